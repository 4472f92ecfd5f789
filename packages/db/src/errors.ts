/**
 * True when a query failed on a unique constraint (SQLSTATE 23505). Drizzle wraps driver errors,
 * and postgres.js and PGlite both carry the SQLSTATE as `code`, so the cause chain is searched.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const {
      code,
      constraint_name,
      constraint: pgliteConstraint,
    } = current as Error & {
      code?: string;
      constraint_name?: string;
      constraint?: string;
    };
    if (code === '23505') {
      return !constraint || (constraint_name ?? pgliteConstraint) === constraint;
    }
  }
  return false;
}
