import type { Database } from '@subkit/db';
import type Stripe from 'stripe';
import type { TtlCache } from './cache';
import type { Mailer } from './mailer';
import type { RateLimiter } from './rate-limit';

/** The signed-in user as every procedure sees it. */
export interface SessionUser {
  id: string;
  email: string;
  stripeCustomerId: string | null;
  /** The person has opened a link mailed to `email`. Nothing is gated on it; the web app reminds them. */
  emailVerified: boolean;
  /**
   * An active, trialing or past_due subscription existed when the session was looked up: read in
   * the same statement so a checkout needs no second round trip to refuse a second subscription.
   */
  hasLiveSubscription: boolean;
}

/**
 * Each feature's settings, under the feature's name. Empty here: a feature adds its own entry with
 * `declare module '@subkit/core' { interface FeatureSettings { billing: BillingSettings } }` (the
 * way Fastify plugins add decorations), so a new setting is declared, documented and read in its
 * feature alone; the server fills it from its validated configuration.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface (not a type) so features can merge into it.
export interface FeatureSettings {}

/** What lives as long as the process: built once at start-up, shared by every request. */
export interface AppServices {
  db: Database;
  stripe: Stripe;
  cache: TtlCache;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  now: () => Date;
  settings: FeatureSettings;
}

/** Where a procedure reports what an operator must know: the transport hands in its request logger. */
export interface RequestLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What one request brings. Filled by the transport (Fastify), not known to it beyond this shape. */
export interface RequestInfo {
  requestId: string;
  log: RequestLogger;
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
