import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { applyMigrationsPglite, applyMigrationsPostgres } from './migrate';
import { lockPgliteDataDir } from './pglite-lock';
import { countingPglite, countingPostgres } from './query-counting';
import * as schema from './schema';

export type Schema = typeof schema;
/** The query API both drivers share; services depend on this, never on a driver. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; accepted wherever a unit of work must commit or roll back as one. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** The migrations applied when this handle was created, by tag, oldest first; none when up to date. */
  appliedMigrations: readonly string[];
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** Postgres connection string. Unset: embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory. Unset: in memory (tests). */
  pgliteDataDir?: string | undefined;
  /** Postgres pool size per process. */
  maxConnections?: number;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /**
   * Called with each statement sent to the database, including a transaction's BEGIN and COMMIT
   * (each one is a round trip on Postgres). For measurement (the benchmark counts round trips per
   * request); unset in the product, where it costs nothing.
   */
  onQuery?: ((statement: string) => void) | undefined;
}

/**
 * The one way to get a database: postgres.js when a URL is given, PGlite (Postgres compiled to
 * WebAssembly, in-process) otherwise. Both run the same committed migrations.
 */
export async function createDatabase(options: CreateDatabaseOptions = {}): Promise<DatabaseHandle> {
  const migrate = options.migrate ?? true;
  if (options.url) {
    const appliedMigrations = migrate ? await applyMigrationsPostgres(options.url) : [];
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres({
      client: options.onQuery ? countingPostgres(client, options.onQuery) : client,
      schema,
    });
    return {
      db,
      kind: 'postgres',
      appliedMigrations,
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }

  // PGlite creates its own directory but not the parents (`.data/` on a fresh clone).
  if (options.pgliteDataDir) mkdirSync(dirname(options.pgliteDataDir), { recursive: true });
  const unlock = options.pgliteDataDir ? lockPgliteDataDir(options.pgliteDataDir) : () => {};
  const client = await PGlite.create(options.pgliteDataDir).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const appliedMigrations = migrate ? await applyMigrationsPglite(client) : [];
  const db = drizzlePglite({ client: options.onQuery ? countingPglite(client, options.onQuery) : client, schema });
  return {
    db,
    kind: 'pglite',
    appliedMigrations,
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      await client.close();
      unlock();
    },
  };
}
