import type { z } from 'zod';
import { CORE_ERROR_CODES } from './error-codes';

/**
 * The error map of every request body's (strict) object schema. A body that is not an object gets
 * the envelope's message; a field the API does not define keeps zod's own message, which names it,
 * as Stripe's "Received unknown parameter" does: a misspelt optional field must not pass in silence.
 */
export const requestBodyError: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' ? CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message : undefined;
