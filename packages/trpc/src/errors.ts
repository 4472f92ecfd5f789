import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

export interface PublicError {
  code: TRPCError['code'];
  message: string;
  /** Every field problem, for forms that show them next to their inputs. */
  issues?: { path: string; message: string }[];
}

const HIDDEN_MESSAGE = 'Internal server error';

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
    return { code: 'BAD_REQUEST', message: issues[0]?.message ?? 'Invalid input', issues };
  }
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    return { code: error.code, message: HIDDEN_MESSAGE };
  }
  return { code: error.code, message: error.message };
}
