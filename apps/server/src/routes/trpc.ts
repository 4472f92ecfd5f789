import { type AppRouter, appRouter, createContext } from '@subkit/api';
import { retryAfterSeconds } from '@subkit/core';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import { errorEnvelope, logFailure } from '../http/envelope';
import { requestInfo } from '../http/request-info';

/**
 * Mounts the app router at /trpc. Deliberately not wrapped in fastify-plugin: the tRPC plugin
 * installs its own JSON parser, which must stay inside this scope.
 */
export default async function trpc(app: FastifyInstance) {
  // tRPC's `httpLink` sends a mutation called without input as an empty body labelled JSON, which
  // tRPC's own reader cannot parse, so a procedure that takes no fields would answer 400 to it. An
  // empty body is an empty object: a single call's input, or a batch in which no call has one.
  app.addHook('preValidation', async (request) => {
    if (request.body === '') request.body = '{}';
  });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => createContext(app.services, requestInfo(req)),
      responseMeta({ errors }) {
        const retryAfter = errors.map(retryAfterSeconds).find((seconds) => seconds !== undefined);
        return retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } };
      },
      // Each failed procedure of a batch is logged on its own, under the policy REST follows.
      onError({ error, path, req }) {
        logFailure(req.log, error, errorEnvelope(error), { procedure: path });
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
}
