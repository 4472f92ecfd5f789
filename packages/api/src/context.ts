import { resolveSession } from '@subkit/auth';
import { type AppServices, type Context, databaseOutage, type RequestInfo } from '@subkit/core';

/**
 * Builds a request's context from the process's services and what the transport extracted. Knows
 * nothing of Fastify, so any transport (HTTP adapter, REST adapter, tests) builds it the same way.
 */
export async function createContext(services: AppServices, request: RequestInfo): Promise<Context> {
  // Runs before any procedure, so a database outage here is translated here.
  const session = request.token
    ? await resolveSession(services, request.token).catch((error: unknown) => {
        throw databaseOutage(error) ?? error;
      })
    : null;
  return { ...services, request, session };
}
