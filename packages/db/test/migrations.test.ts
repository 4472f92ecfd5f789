import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, migrationsFolder, pendingMigrations } from '../src';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '../src/testing';

const COMMITTED = (
  JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] }
).entries.map((entry) => entry.tag);

describe.each(testDatabaseKinds())('migrations on %s', (kind) => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'subkit-migrations-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reports every migration applied to a fresh database, and none the next time', async () => {
    expect(COMMITTED.length).toBeGreaterThan(0);
    // Postgres: a database of its own; PGlite: a data directory of its own, reopened below.
    const created = kind === 'postgres' ? await createTestDatabase(kind) : undefined;
    const target = created ? { url: created.url } : { pgliteDataDir: join(directory, 'pglite') };
    const fresh = created ?? (await createDatabase(target));
    try {
      expect(fresh.appliedMigrations).toEqual(COMMITTED);
      // PGlite's directory belongs to one handle at a time.
      if (!created) await fresh.close();
      const again = await createDatabase(target);
      await again.close();
      expect(again.appliedMigrations).toEqual([]);
    } finally {
      await created?.destroy();
    }
    // A PGlite data directory created on disk, then reopened: 20 s each on a loaded 2-core machine.
  }, 120_000);
});

/** Runs `pnpm db:migrate`'s script from `cwd`, with DATABASE_URL unset in the environment. */
function runMigrateCli(cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../src/migrate-cli.ts', import.meta.url))],
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe.each(testDatabaseKinds().filter((kind) => kind === 'postgres'))('pnpm db:migrate on %s', (kind) => {
  let database: TestDatabase;
  let directory: string;
  beforeAll(async () => {
    database = await createTestDatabase(kind, { migrate: false });
    directory = mkdtempSync(join(tmpdir(), 'subkit-db-migrate-'));
  });
  afterAll(async () => {
    await database.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('migrates the database .env names, as the server reads it, and says which migrations it applied', async () => {
    writeFileSync(join(directory, '.env'), `# as copied from .env.example\nDATABASE_URL=${database.url}\n`);
    expect(await pendingMigrations(database.db)).toEqual(COMMITTED);

    const first = await runMigrateCli(directory);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Migrations applied: ${COMMITTED.join(', ')}.\n`);
    expect(await pendingMigrations(database.db)).toEqual([]);

    const second = await runMigrateCli(directory);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('Migrations: already up to date.\n');
  });
});
