import { defineErrorCodes } from '@subkit/core';

/**
 * What the HTTP layer answers itself, before or beside any procedure: Fastify's refusals (its own
 * messages name internals such as "FST_ERR_…"), unknown routes and the webhook's signature check.
 */
export const HTTP_ERROR_CODES = defineErrorCodes({
  CONTENT_TYPE_NOT_JSON: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' },
  BODY_ENCODED: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Request bodies are read as sent: remove Content-Encoding and send the body uncompressed',
  },
  CONTENT_LENGTH_MISMATCH: { code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
  BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  // Fastify refuses a `__proto__` or `constructor.prototype` key (prototype poisoning) with the same
  // error as broken JSON, so the message names both.
  BODY_NOT_JSON: {
    code: 'BAD_REQUEST',
    message: 'Request body is not valid JSON, or has a __proto__ or constructor.prototype key',
  },
  URL_NOT_DECODABLE: { code: 'BAD_REQUEST', message: 'The URL path is not valid percent-encoding' },
  /** A client error Fastify raised without a message of ours or its own. */
  BAD_REQUEST: { code: 'BAD_REQUEST', message: 'Bad request' },
  ROUTE_NOT_FOUND: (method: string, path: string) => ({
    code: 'NOT_FOUND',
    message: `Route ${method} ${path} not found`,
  }),
  METHOD_NOT_ALLOWED: (method: string, path: string, allowed: readonly string[]) => ({
    code: 'METHOD_NOT_SUPPORTED',
    message: `Route ${method} ${path} not found: it answers ${allowed.join(', ')}`,
  }),
  INVALID_STRIPE_SIGNATURE: { code: 'BAD_REQUEST', message: 'Invalid Stripe signature' },
  NOT_A_STRIPE_EVENT: { code: 'BAD_REQUEST', message: 'The signed body is not a Stripe event' },
});
