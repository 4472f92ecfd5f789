import { z } from 'zod';
import { CORE_ERROR_CODES } from './error-codes';

/**
 * The error map of every request body's (strict) object schema. A body that is not an object gets
 * the envelope's message; a field the API does not define keeps zod's own message, which names it,
 * as Stripe's "Received unknown parameter" does: a misspelt optional field must not pass in silence.
 */
export const requestBodyError: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' ? CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message : undefined;

/**
 * The input of a mutation that takes no fields: no body, or `{}`. Anything else is refused by name,
 * so a caller who believes they passed an option (`{"now": true}` to a cancel) learns it does nothing
 * instead of watching the call succeed without it.
 */
export const noFieldsInput = z.strictObject({}, { error: requestBodyError }).optional();
