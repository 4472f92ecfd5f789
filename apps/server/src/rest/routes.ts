import type { createCaller } from '@subkit/api';

type Caller = ReturnType<typeof createCaller>;

export interface RestRoute {
  method: 'GET' | 'POST';
  url: string;
  /** The tRPC procedure this route runs; REST never has a second implementation. */
  procedure: (caller: Caller) => (input: never) => Promise<unknown>;
  successStatus?: number;
}

/**
 * The REST twins of tRPC procedures, for callers that do not use our TypeScript client. Adding a
 * route here is all it takes: the adapter handles input, context, errors and the envelope.
 */
export const restRoutes: RestRoute[] = [
  { method: 'POST', url: '/api/auth/signup', procedure: (c) => c.auth.signUp, successStatus: 201 },
  { method: 'POST', url: '/api/auth/login', procedure: (c) => c.auth.signIn },
  { method: 'POST', url: '/api/auth/logout', procedure: (c) => c.auth.signOut },
  { method: 'GET', url: '/api/auth/me', procedure: (c) => c.auth.me },
  { method: 'POST', url: '/api/billing/checkout', procedure: (c) => c.billing.createCheckout },
  { method: 'GET', url: '/api/billing/plans', procedure: (c) => c.billing.plans },
  { method: 'GET', url: '/api/billing/subscription', procedure: (c) => c.billing.subscription },
  { method: 'POST', url: '/api/billing/portal', procedure: (c) => c.billing.createPortalSession },
];
