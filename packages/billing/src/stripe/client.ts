import { STRIPE_API_VERSION } from '@subkit/stripe-api-version';
import Stripe from 'stripe';

/** Sent in the User-Agent of every call, so Stripe (and its support) can tell Subkit's traffic apart. */
const APP_INFO: Stripe.AppInfo = { name: 'Subkit' };

export interface StripeClientOptions {
  secretKey: string;
  /** A Stripe-compatible base URL (the emulator, stripe-mock). Unset: api.stripe.com. */
  apiBase?: string | undefined;
  /** Per-request timeout; with the SDK's retries it bounds how long a checkout can hang on Stripe. */
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

/**
 * The only way the product talks to Stripe. Network retries are on: the SDK then sends one
 * Idempotency-Key across the retries of every POST, so a retried create never creates twice.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  return new Stripe(options.secretKey, {
    // Pinned: a newer SDK must not change what reads and webhook payloads contain behind our back.
    apiVersion: STRIPE_API_VERSION,
    appInfo: APP_INFO,
    // Three retries turn a 30 % transient failure rate into < 1 % failed calls (0.3^4), at a cost
    // of a few seconds of backoff in the worst case.
    maxNetworkRetries: options.maxNetworkRetries ?? 3,
    timeout: options.timeoutMs ?? 10_000,
    telemetry: false,
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}
