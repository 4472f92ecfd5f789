import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errorEnvelope } from '../http/envelope';
import { HTTP_ERROR_CODES } from '../http/error-codes';

/**
 * One error handler for every route outside tRPC's own wire format: the envelope, the status from
 * the one mapping, and 5xx details in the log (with the request id) instead of the response.
 */
async function errors(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const { status, body, retryAfter } = errorEnvelope(error);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, reason: body.error.message }, 'request refused');
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    const { status, body } = errorEnvelope(new TRPCError(HTTP_ERROR_CODES.ROUTE_NOT_FOUND(request.method, path)));
    return reply.status(status).send(body);
  });
}

export default fp(errors, { name: 'errors' });
