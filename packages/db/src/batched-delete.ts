/** Rows per delete statement: small enough that each one is short and holds few row locks. */
export const DELETE_BATCH_SIZE = 1_000;

/**
 * Runs `deleteBatch(limit)` until a batch deletes fewer than `limit` rows, and returns how many
 * went in all. A pruning query should pick its batch with `FOR UPDATE SKIP LOCKED`: then each
 * batch is one short statement, and processes pruning at the same time share the rows instead of
 * queueing behind each other's locks.
 */
export async function deleteInBatches(deleteBatch: (limit: number) => Promise<unknown[]>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(DELETE_BATCH_SIZE);
    total += deleted.length;
    if (deleted.length < DELETE_BATCH_SIZE) return total;
  }
}
