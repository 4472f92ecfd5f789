import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { isOriginAllowed } from '@subkit/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Browser-facing protections. Security headers on every response (helmet's defaults, including a
 * same-origin Content-Security-Policy that the web app satisfies). CORS only for the web app's
 * origins: the API authenticates with bearer tokens, not cookies, so no credentials are allowed.
 */
async function security(
  app: FastifyInstance,
  options: { allowedOrigins: readonly string[]; servedOverHttps: boolean },
) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      // helmet's default tells the browser to fetch every asset over https. Served over plain http
      // (no PUBLIC_URL, or an http one), that turns the app's own scripts into failed https
      // requests and a blank page on any address but localhost, which browsers exempt.
      directives: { upgradeInsecureRequests: options.servedOverHttps ? [] : null },
    },
  });
  await app.register(cors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && isOriginAllowed(origin, options.allowedOrigins)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'trpc-accept'],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  });
}

export default fp(security, { name: 'security' });
