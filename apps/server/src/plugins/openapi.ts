import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { buildOpenApiDocument } from '../rest/documentation';

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after this plugin, as Fastify saw it (tests hold it against the document). */
    registeredRoutes: RegisteredRoute[];
  }
}

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document, built once from the REST route table and the
 * procedures' zod schemas. Registered before any route, so it can also record what is served.
 */
async function openapi(app: FastifyInstance) {
  const registeredRoutes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url });
  });

  const document = JSON.stringify(buildOpenApiDocument());
  app.get('/api/openapi.json', async (_request, reply) => reply.type('application/json').send(document));
}

export default fp(openapi, { name: 'openapi' });
