import { isDatabaseUnavailable } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { CORE_ERROR_CODES } from './error-codes';
import { RetryAfter } from './rate-limit';

export interface PublicError {
  code: TRPCError['code'];
  message: string;
  /** Every field problem, for forms that show them next to their inputs. */
  issues?: { path: string; message: string }[];
}

/**
 * The one translation from an error thrown inside a procedure to what a caller may see. tRPC's
 * error formatter and the REST envelope both use it, so a message never differs between the two.
 * Validation errors surface the schema's own message for the first bad field; server faults never
 * leak their internals.
 */
export function toPublicError(error: TRPCError): PublicError {
  if (error.cause instanceof ZodError) {
    // Schemas write their messages to name the field ("priceId is required"), so they pass as is.
    const issues = error.cause.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    return { code: 'BAD_REQUEST', message: issues[0]?.message ?? CORE_ERROR_CODES.INVALID_INPUT.message, issues };
  }
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    return CORE_ERROR_CODES.INTERNAL;
  }
  return { code: error.code, message: error.message };
}

// Long enough for a database failover or restart, short enough that a client does not give up.
const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * The error callers get when `error` is the database being unreachable (a 503 with Retry-After:
 * nothing is wrong with their request), or null when it is anything else. The driver's error
 * stays in the cause chain for the log.
 */
export function databaseOutage(error: unknown): TRPCError | null {
  if (!isDatabaseUnavailable(error)) return null;
  return new TRPCError({
    ...CORE_ERROR_CODES.SERVICE_UNAVAILABLE,
    cause: new RetryAfter(OUTAGE_RETRY_AFTER_SECONDS, { cause: error }),
  });
}
