import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const API_PATHS = /^\/(api|trpc)(\/|$)/;

/**
 * Serves the built web app (apps/web/dist) from the API's own origin under `start`, so one port
 * serves everything. Paths that are not files get index.html, for the app's client-side routes.
 * Under `dev`, Vite serves the app instead and this stays off.
 */
async function webApp(app: FastifyInstance, options: { distDir: string }) {
  if (!existsSync(options.distDir)) {
    app.log.info({ distDir: options.distDir }, 'no built web app found; serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: options.distDir,
    wildcard: false,
    setHeaders(response, path) {
      // Vite fingerprints assets, so they never change; index.html must always be re-checked.
      response.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/*', (request, reply) => {
    if (API_PATHS.test(request.url)) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}

export default fp(webApp, { name: 'web-app' });
