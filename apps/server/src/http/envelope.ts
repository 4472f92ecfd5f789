import { CORE_ERROR_CODES, databaseOutage, retryAfterSeconds, toPublicError } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyBaseLogger } from 'fastify';
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
  FST_ERR_BAD_URL: HTTP_ERROR_CODES.URL_NOT_DECODABLE.message,
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

/**
 * A refusal of a /trpc request made before tRPC read it (its Content-Type, its size), in tRPC's own
 * error shape: that is all a tRPC client can read, and the same refusal made inside tRPC looks so.
 */
export function trpcErrorBody({ status, body }: { status: number; body: ErrorEnvelope }, url: string) {
  const code = body.error.code as TRPCError['code'];
  const path = procedurePath(url);
  return {
    error: {
      message: body.error.message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus: status, path, issues: null },
    },
  };
}

/** The procedure path of a /trpc URL; one that does not decode (refused for that) is kept as sent. */
function procedurePath(url: string): string {
  const encoded = url.split('?', 1)[0]?.slice('/trpc/'.length) ?? '';
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/**
 * The one log policy for a failed request, whichever transport served it (REST, /trpc, the
 * webhook): a server fault (5xx) at error with the error itself, a refusal (4xx) at info with what
 * the caller was told. `log` is the request's logger, so every line carries the request id.
 */
export function logFailure(
  log: FastifyBaseLogger,
  error: unknown,
  { status, body }: { status: number; body: ErrorEnvelope },
  fields: Record<string, unknown> = {},
): void {
  if (status >= 500) log.error({ ...fields, status, code: body.error.code, err: error }, 'request failed');
  else log.info({ ...fields, status, code: body.error.code, reason: body.error.message }, 'request refused');
}

export function successEnvelope<T>(data: T): SuccessEnvelope<T> {
  return { success: true, data };
}
