import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDatabase, type DatabaseHandle, type DatabaseKind } from './client';

/**
 * The databases every DB test runs on: PGlite always, and the real Postgres too whenever
 * DATABASE_URL is set (as in CI), so both drivers are proven by the same tests.
 */
export function testDatabaseKinds(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase extends DatabaseHandle {
  /** Connection string of the fresh Postgres database (postgres kind only), for extra processes. */
  url: string | undefined;
  /** Closes the handle and drops the database it created. */
  destroy(): Promise<void>;
}

/**
 * A fresh database, migrated unless `migrate` is false. For Postgres, a new database is created next
 * to DATABASE_URL's so test files running in parallel never see each other's rows.
 */
export async function createTestDatabase(kind: DatabaseKind, { migrate = true } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await createDatabase({ migrate });
    return { ...handle, url: undefined, destroy: () => handle.close() };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('createTestDatabase("postgres") needs DATABASE_URL');
  const name = `subkit_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString(), migrate });
  return {
    ...handle,
    url: url.toString(),
    destroy: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
