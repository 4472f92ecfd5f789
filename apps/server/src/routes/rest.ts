import { appRouter, createContext } from '@subkit/api';
import { callTRPCProcedure } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { successEnvelope } from '../http/envelope';
import { requestInfo } from '../http/request-info';
import { restRoutes } from '../rest/routes';

/**
 * Serves each REST route by calling its tRPC procedure in-process, through tRPC's public
 * `callTRPCProcedure` (what its callers and HTTP handlers run): it takes the dotted path and the
 * raw input (a GET's query parameters, a POST's body), and refuses a GET that names a mutation. Input is passed through as received: the
 * procedure's zod schema is what validates it, with the same messages tRPC gives. Errors propagate
 * to the one error handler, which writes the envelope.
 */
export default async function rest(app: FastifyInstance) {
  for (const route of restRoutes) {
    const type = route.method === 'GET' ? 'query' : 'mutation';
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        // A GET's input is its query string (strings, or arrays when a key repeats), as a POST's is its body.
        const input = route.method === 'GET' ? (route.input ? request.query : undefined) : request.body;
        const data: unknown = await callTRPCProcedure({
          router: appRouter,
          path: route.procedure,
          getRawInput: async () => input,
          ctx: await createContext(app.services, requestInfo(request)),
          type,
          signal: undefined,
          batchIndex: 0,
        });
        return reply.status(route.successStatus ?? 200).send(successEnvelope(data));
      },
    });
  }
}
