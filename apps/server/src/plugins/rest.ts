import { createCaller, createContext } from '@subkit/api';
import type { FastifyInstance } from 'fastify';
import { successEnvelope } from '../http/envelope';
import { requestInfo } from '../http/request-info';
import { type RestRoute, restRoutes } from '../rest/routes';

type Caller = ReturnType<typeof createCaller>;

/** `billing.createCheckout` → the caller's function for it (the path is checked against the router's type). */
function procedureOf(caller: Caller, route: RestRoute): (input: unknown) => Promise<unknown> {
  const [area, name] = route.procedure.split('.') as [keyof Caller, string];
  return (caller[area] as unknown as Record<string, (input: unknown) => Promise<unknown>>)[name] as (
    input: unknown,
  ) => Promise<unknown>;
}

/**
 * Serves each REST route by calling its tRPC procedure in-process. Input is passed through as
 * received: the procedure's zod schema is what validates it, with the same messages tRPC gives.
 * Errors propagate to the one error handler, which writes the envelope.
 */
export default async function rest(app: FastifyInstance) {
  for (const route of restRoutes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const caller = createCaller(await createContext(app.services, requestInfo(request)));
        const input = route.method === 'GET' ? undefined : request.body;
        const data = await procedureOf(caller, route)(input);
        return reply.status(route.successStatus ?? 200).send(successEnvelope(data));
      },
    });
  }
}
