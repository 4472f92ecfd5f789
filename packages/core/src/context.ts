import type { Database } from '@subkit/db';
import type Stripe from 'stripe';
import type { TtlCache } from './cache';
import type { RateLimiter } from './rate-limit';

/** The signed-in user as every procedure sees it. */
export interface SessionUser {
  id: string;
  email: string;
  stripeCustomerId: string | null;
}

/** What lives as long as the process: built once at start-up, shared by every request. */
export interface AppServices {
  db: Database;
  stripe: Stripe;
  cache: TtlCache;
  rateLimiter: RateLimiter;
  now: () => Date;
  settings: {
    /** Origins that checkout and portal redirect URLs may point to. */
    allowedRedirectOrigins: readonly string[];
    /**
     * The prices on offer, the only ones checkout sells: Stripe price ids or lookup keys, in the
     * pricing page's order; `all-active` offers every active recurring price in the account.
     */
    plans: readonly string[] | 'all-active';
  };
}

/** What one request brings. Filled by the transport (Fastify), not known to it beyond this shape. */
export interface RequestInfo {
  requestId: string;
  /** The client's address (the proxy's view of it when TRUST_PROXY is set), for per-IP limits. */
  ip: string;
  /** The bearer token from the Authorization header, if any. */
  token: string | null;
  /** REST callers may send Idempotency-Key to make a retried checkout return the same session. */
  idempotencyKey: string | null;
}

export interface Context extends AppServices {
  request: RequestInfo;
  session: { id: string; user: SessionUser } | null;
}
