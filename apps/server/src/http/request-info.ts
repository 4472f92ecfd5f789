import type { RequestInfo } from '@subkit/core';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './bearer-token';

/** What a procedure may know about the HTTP request, for tRPC and REST alike. */
export function requestInfo(request: FastifyRequest): RequestInfo {
  const idempotencyKey = request.headers['idempotency-key'];
  return {
    requestId: request.id,
    log: request.log,
    ip: request.ip,
    token: bearerToken(request.headers.authorization),
    idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey !== '' ? idempotencyKey : null,
  };
}
