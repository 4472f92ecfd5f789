import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

// No inline script: the Content-Security-Policy allows scripts from our own origin only.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: true,
    persistAuthorization: true,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Subkit API reference</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;

const ASSETS: Record<string, { type: string; body: () => Buffer | string }> = {
  'swagger-ui.css': {
    type: 'text/css; charset=utf-8',
    body: () => readFileSync(join(SWAGGER_UI_DIR, 'swagger-ui.css')),
  },
  'swagger-ui-bundle.js': {
    type: 'text/javascript; charset=utf-8',
    body: () => readFileSync(join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js')),
  },
  'favicon-32x32.png': { type: 'image/png', body: () => readFileSync(join(SWAGGER_UI_DIR, 'favicon-32x32.png')) },
  'init.js': { type: 'text/javascript; charset=utf-8', body: () => INIT_SCRIPT },
};

/**
 * GET /api/docs: an interactive reference (Swagger UI) for /api/openapi.json. Its assets come from
 * the swagger-ui-dist package and are served from here, so it works offline; nothing loads from a CDN.
 */
export default async function docs(app: FastifyInstance) {
  const cache = new Map<string, Buffer | string>();
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get<{ Params: { asset: string } }>('/api/docs/:asset', async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.asset) ? ASSETS[request.params.asset] : undefined;
    if (!asset) return reply.callNotFound();
    let body = cache.get(request.params.asset);
    if (body === undefined) {
      body = asset.body();
      cache.set(request.params.asset, body);
    }
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(body);
  });
}
