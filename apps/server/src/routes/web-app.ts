import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import vary from 'vary';

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
  // A scope of its own, so that the hook below concerns the app's files and not the API's answers.
  await app.register(async (files) => {
    files.addHook('onSend', async (_request, reply, payload) => {
      // One URL answers brotli, gzip or plain by the request's Accept-Encoding, so a shared cache must
      // key on it. Appended: CORS has already put Origin there.
      reply.header('vary', vary.append(String(reply.getHeader('vary') ?? ''), 'Accept-Encoding'));
      return payload;
    });
    await files.register(fastifyStatic, {
      root: options.distDir,
      wildcard: false,
      // `vite build` writes `x.br` and `x.gz` beside each file (apps/web/vite.config.ts): a browser gets
      // the one its Accept-Encoding prefers, brotli first, and the original when it accepts neither.
      preCompressed: true,
      // Otherwise send's own `public, max-age=0` replaces the header set below.
      cacheControl: false,
      setHeaders(response, path) {
        // Vite fingerprints assets, so they never change; index.html must always be re-checked.
        response.setHeader(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    files.get('/*', (request, reply) => {
      if (API_PATHS.test(request.url)) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  });
}

export default fp(webApp, { name: 'web-app' });
