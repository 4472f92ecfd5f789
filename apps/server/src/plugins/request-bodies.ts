import type { IncomingMessage } from 'node:http';
import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HTTP_ERROR_CODES } from '../http/error-codes';

/** As Fastify decides it: a request without a length or a chunked body has none. */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return (
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0')
  );
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

function isEncoded(contentEncoding: string | undefined): boolean {
  return contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity';
}

/**
 * Every body this API reads is JSON, as sent, so any other body (or a compressed one: RFC 9110
 * §15.5.16) is refused with 415 before a byte of it is read, on every route (unknown ones too).
 * This has to happen before parsing: the tRPC adapter installs a multipart parser that hands the
 * raw stream to tRPC, which reads it to the end with no limit. JSON bodies are read by parsers that
 * all stop at their body limit (413).
 *
 * A refusal sent before the body was read to its end stops reading at once and closes the
 * connection when it is out: a flowing body would otherwise keep arriving while the refusal is
 * written, and Node drains whatever is left to keep the connection alive, however large it is.
 */
async function requestBodies(app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    if (!hasBody(request.headers)) return;
    if (!isJson(request.headers['content-type'])) throw new TRPCError(HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON);
    if (isEncoded(request.headers['content-encoding'])) throw new TRPCError(HTTP_ERROR_CODES.BODY_ENCODED);
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.raw.complete) return;
    request.raw.pause();
    reply.header('connection', 'close');
    // Runs after Node's own close on `Connection: close`, which resumed the body to drain it.
    reply.raw.once('finish', () => closeLingering(request.raw));
  });
}

/** How long a refused client gets to read its answer before the connection is reset. */
const LINGER_MS = 2_000;

/**
 * Closes a connection whose body was left unread without losing the answer: a close with unread
 * bytes makes the kernel send a reset, and a client that gets the reset before it read the answer
 * sees ECONNRESET instead of the refusal (RFC 9112 §9.6, "the TCP reset problem"). So, as the RFC
 * advises, only the write side closes now (Node's `destroySoon` sent FIN after the answer); the
 * socket stops reading, so the body stays unread, and is destroyed once the client has had time to
 * read the answer.
 */
function closeLingering(body: IncomingMessage): void {
  const { socket } = body;
  socket.removeListener('finish', socket.destroy);
  // Paused again, the body fills its small buffer and Node stops reading the socket.
  body.pause();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

export default fp(requestBodies, { name: 'request-bodies' });
