import type { Database } from './client';

/**
 * A query built once per database handle and then only executed: drizzle skips rebuilding its
 * SQL, and on Postgres the driver prepares it once per connection, so the server skips parsing
 * and planning it. Worth it for the statements every checkout runs (docs/performance.md); the
 * cache is per handle because drizzle's `.prepare(name)` belongs to one.
 */
export function preparedPerDatabase<Query>(build: (db: Database) => Query): (db: Database) => Query {
  const built = new WeakMap<Database, Query>();
  return (db) => {
    let query = built.get(db);
    if (!query) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}
