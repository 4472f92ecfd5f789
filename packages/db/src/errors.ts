/**
 * `error` and every error in its `cause` chain, outermost first: Drizzle wraps driver errors, and
 * our own errors carry what went wrong as their cause. The one walk over `error.cause`.
 */
export function* errorChain(error: unknown): Generator<Error> {
  for (let current = error; current instanceof Error; current = current.cause) yield current;
}

/**
 * True when a query failed on a unique constraint (SQLSTATE 23505). Drizzle wraps driver errors,
 * and postgres.js and PGlite both carry the SQLSTATE as `code`, so the cause chain is searched.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (const current of errorChain(error)) {
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

// postgres.js: its own codes for a connection it could not open or lost, and Node's socket errors.
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
// SQLSTATEs of a server that is there but will not serve: class 08 (connection exception),
// shutting down or starting up (57P01-57P03), too many connections (53300).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/**
 * True when a query failed because the database cannot be reached or will not serve right now,
 * rather than because of the query: an outage to answer with 503, not a bug. Recognises
 * postgres.js and PGlite (closed or not yet open) through Drizzle's wrapping.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const current of errorChain(error)) {
    const { code } = current as Error & { code?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (current.message === 'PGlite is closed' || current.message === 'PGlite is closing') return true;
    // AggregateError: Node's connect tried each address (IPv4 and IPv6) and all failed.
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}
