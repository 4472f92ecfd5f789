import { CORE_ERROR_CODES, databaseOutage, retryAfterSeconds, toPublicError } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { HTTP_ERROR_CODES } from './error-codes';

export type SuccessEnvelope<T> = { success: true; data: T };
export type ErrorEnvelope = { success: false; error: { code: string; message: string } };

/** The one mapping between HTTP status and error code (the API document reads it too). */
export const CODE_BY_STATUS: Record<number, TRPCError['code']> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

// Fastify's own messages mention internals ("FST_ERR_…", parser details); callers get these instead.
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON.message,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: HTTP_ERROR_CODES.CONTENT_LENGTH_MISMATCH.message,
  FST_ERR_CTP_BODY_TOO_LARGE: HTTP_ERROR_CODES.BODY_TOO_LARGE.message,
  FST_ERR_CTP_EMPTY_JSON_BODY: CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message,
  FST_ERR_CTP_INVALID_JSON_BODY: HTTP_ERROR_CODES.BODY_NOT_JSON.message,
  FST_ERR_CTP_EMPTY_TYPE: HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON.message,
  FST_ERR_CTP_INVALID_TYPE: HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON.message,
};

/**
 * Any error → a TRPCError, so that one table (tRPC's code → HTTP status) and one message policy
 * (toPublicError) serve tRPC procedures, REST routes and Fastify's own failures alike.
 */
export function asTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  const outage = databaseOutage(error);
  if (outage) return outage;
  const { statusCode, code } = (error ?? {}) as { statusCode?: number; code?: string };
  if (statusCode && statusCode >= 400 && statusCode < 500) {
    const message =
      (code && FASTIFY_MESSAGES[code]) ??
      (error instanceof SyntaxError ? FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY : undefined) ??
      (error instanceof Error ? error.message : HTTP_ERROR_CODES.BAD_REQUEST.message);
    return new TRPCError({ code: CODE_BY_STATUS[statusCode] ?? 'BAD_REQUEST', message, cause: error });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
}

export function errorEnvelope(error: unknown): { status: number; body: ErrorEnvelope; retryAfter?: number } {
  const trpcError = asTRPCError(error);
  const { code, message } = toPublicError(trpcError);
  return {
    status: getHTTPStatusCodeFromError(trpcError),
    body: { success: false, error: { code, message } },
    retryAfter: retryAfterSeconds(trpcError),
  };
}

export function successEnvelope<T>(data: T): SuccessEnvelope<T> {
  return { success: true, data };
}
