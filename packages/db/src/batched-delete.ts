import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './client';

/** Rows per delete statement: small enough that each one is short and holds few row locks. */
export const DELETE_BATCH_SIZE = 1_000;

/**
 * Deletes the rows of `table` that match `where`, a batch at a time, and returns how many went.
 * Each batch is one short statement that picks its rows (by `key`, the primary key's columns)
 * with `FOR UPDATE SKIP LOCKED`, so processes pruning at the same time share the rows instead of
 * queueing behind each other's locks.
 */
export async function deleteInBatches(db: Database, table: PgTable, key: PgColumn[], where: SQL): Promise<number> {
  const keyColumns = Object.fromEntries(key.map((column) => [column.name, column]));
  let total = 0;
  for (;;) {
    const batch = db
      .select(keyColumns)
      .from(table)
      .where(where)
      .limit(DELETE_BATCH_SIZE)
      .for('update', { skipLocked: true });
    const deleted = await db
      .delete(table)
      .where(sql`(${sql.join(key, sql`, `)}) in (${batch})`)
      .returning({ one: sql<number>`1` });
    total += deleted.length;
    if (deleted.length < DELETE_BATCH_SIZE) return total;
  }
}
