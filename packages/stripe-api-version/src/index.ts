import type Stripe from 'stripe';

/**
 * The Stripe API version Subkit is written against: what its reads and webhook payloads look like.
 * The product's Stripe client pins it and the emulator speaks it, so an SDK upgrade cannot quietly
 * change either; moving to a newer one is a deliberate step (README, "Stripe API version").
 *
 * `LatestApiVersion` is the one version the installed SDK's types describe: after an SDK bump this
 * line stops compiling until the constant is moved on with it.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;
