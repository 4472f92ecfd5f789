import type { TRPCError } from '@trpc/server';

/** An error as callers see it: the envelope's `{code, message}`, and what a TRPCError is made from. */
export interface ErrorCode {
  readonly code: TRPCError['code'];
  readonly message: string;
}

/**
 * A package's catalogue of the errors it answers with, by name: `new TRPCError(CODES.X)` throws one,
 * tests and API-document examples compare against the same entry. Messages built from values are
 * small functions returning an entry.
 */
export function defineErrorCodes<const Codes extends Record<string, ErrorCode | ((...args: never[]) => ErrorCode)>>(
  codes: Codes,
): Codes {
  return codes;
}

/** What every feature may answer, whichever procedure or transport serves it. */
export const CORE_ERROR_CODES = defineErrorCodes({
  /** A protected procedure called without a session (see `protectedProcedure`). */
  UNAUTHENTICATED: { code: 'UNAUTHORIZED', message: 'Authentication required' },
  /** Server faults never leak their internals. */
  INTERNAL: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' },
  /** A validation failure whose schema named no message (schemas normally name the field). */
  INVALID_INPUT: { code: 'BAD_REQUEST', message: 'Invalid input' },
  BODY_NOT_AN_OBJECT: { code: 'BAD_REQUEST', message: 'Request body must be a JSON object' },
  SERVICE_UNAVAILABLE: {
    code: 'SERVICE_UNAVAILABLE',
    message: 'The service is temporarily unavailable. Please try again shortly.',
  },
  TOO_MANY_REQUESTS: (retryAfterSeconds: number) => ({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many requests. Try again in ${retryAfterSeconds} seconds.`,
  }),
});
