import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database } from './client';
import { errorChain } from './errors';

/**
 * Found through the package, not this file's location: the server's production bundle compiles
 * this module into apps/server/dist, where a path relative to the file would point elsewhere.
 */
export const migrationsFolder = join(
  dirname(fileURLToPath(import.meta.resolve('@subkit/db/package.json'))),
  'migrations',
);

// Any constant works; it only has to be the same in every process of this app.
const MIGRATION_LOCK_KEY = 727_274_001;

/**
 * Applies committed migrations to Postgres and answers the tags of those it applied, oldest first
 * (none when the schema was up to date). Several server processes may start at once on a fresh
 * database, so the work runs on one connection holding a session advisory lock: the first process
 * migrates, the others wait and then find nothing left to do.
 */
export async function applyMigrationsPostgres(url: string): Promise<string[]> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    const db = drizzle({ client });
    const pending = await pendingMigrations(db);
    await migratePostgres(db, { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    return pending;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** PGlite belongs to one process, so no lock is needed. Answers the tags applied, as above. */
export async function applyMigrationsPglite(client: PGlite): Promise<string[]> {
  const db = drizzlePglite({ client });
  const pending = await pendingMigrations(db);
  await migratePglite(db, { migrationsFolder });
  return pending;
}

interface JournalEntry {
  tag: string;
  when: number;
}

function sqlState(error: unknown): string | undefined {
  for (const current of errorChain(error)) {
    const { code } = current as Error & { code?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * The committed migrations this database has not applied, by tag (`0001_…`), oldest first. Uses
 * drizzle's own rule: a migration is applied when the newest row of `drizzle.__drizzle_migrations`
 * is at least as recent as the journal entry. A database that was never migrated lacks that table,
 * so everything is pending; any other failure (database down) is thrown.
 */
export async function pendingMigrations(db: Pick<Database, 'execute'>): Promise<string[]> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: JournalEntry[];
  };
  let last = Number.NEGATIVE_INFINITY;
  try {
    const result = (await db.execute(sql`select max(created_at) as last from drizzle.__drizzle_migrations`)) as unknown;
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { last: unknown }[];
    if (rows[0]?.last != null) last = Number(rows[0].last);
  } catch (error) {
    // 42P01: no such table; 3F000: no such schema.
    if (!['42P01', '3F000'].includes(sqlState(error) ?? '')) throw error;
  }
  return journal.entries.filter((entry) => entry.when > last).map((entry) => entry.tag);
}
