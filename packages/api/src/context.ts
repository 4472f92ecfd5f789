import { resolveSession } from '@subkit/auth';
import type { AppServices, Context, RequestInfo } from '@subkit/trpc';

/**
 * Builds a request's context from the process's services and what the transport extracted. Knows
 * nothing of Fastify, so any transport (HTTP adapter, REST adapter, tests) builds it the same way.
 */
export async function createContext(services: AppServices, request: RequestInfo): Promise<Context> {
  const session = request.token ? await resolveSession(services, request.token) : null;
  return { ...services, request, session };
}
