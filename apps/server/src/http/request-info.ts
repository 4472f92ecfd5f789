import type { RequestInfo } from '@subkit/core';
import type { FastifyRequest } from 'fastify';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** What a procedure may know about the HTTP request, for tRPC and REST alike. */
export function requestInfo(request: FastifyRequest): RequestInfo {
  const authorization = request.headers.authorization;
  const idempotencyKey = request.headers['idempotency-key'];
  return {
    requestId: request.id,
    ip: request.ip,
    token: (authorization && BEARER.exec(authorization)?.[1]) || null,
    idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey !== '' ? idempotencyKey : null,
  };
}
