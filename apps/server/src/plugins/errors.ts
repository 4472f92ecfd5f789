import { TRPCError } from '@trpc/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorEnvelope, logFailure, trpcErrorBody } from '../http/envelope';
import { HTTP_ERROR_CODES } from '../http/error-codes';

/** The methods the server's routes use (HEAD follows GET in Fastify). */
const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The answer to every failure outside a procedure: the envelope (tRPC's own shape under /trpc), the
 * status from the one mapping, and the one log policy (logFailure, which /trpc follows too).
 */
export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const envelope = errorEnvelope(error);
  if (envelope.retryAfter !== undefined) reply.header('retry-after', String(envelope.retryAfter));
  logFailure(request.log, error, envelope);
  const body = request.url.startsWith('/trpc/') ? trpcErrorBody(envelope, request.url) : envelope.body;
  return reply.status(envelope.status).send(body);
}

async function errors(app: FastifyInstance) {
  app.setErrorHandler(replyWithError);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    // A path that exists under another method is a wrong method (405 with Allow, RFC 9110 §15.5.6),
    // not a missing route: a GET on a POST endpoint should say what it takes.
    const allowed = ROUTE_METHODS.filter((method) => app.hasRoute({ method, url: path }));
    const error = new TRPCError(
      allowed.length > 0
        ? HTTP_ERROR_CODES.METHOD_NOT_ALLOWED(request.method, path, allowed)
        : HTTP_ERROR_CODES.ROUTE_NOT_FOUND(request.method, path),
    );
    const envelope = errorEnvelope(error);
    if (allowed.length > 0) reply.header('allow', allowed.join(', '));
    // Logged as tRPC logs an unknown procedure.
    logFailure(request.log, error, envelope);
    return reply.status(envelope.status).send(envelope.body);
  });
}

export default fp(errors, { name: 'errors' });
