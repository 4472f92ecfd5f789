import { invalidParam } from '../errors';
import { oneOf, optionalParams, type Params } from '../params';
import type { Subscription } from '../wire';

/**
 * How Stripe bills a subscription (https://docs.stripe.com/billing/subscriptions/billing-mode).
 * `flexible` is the default for subscriptions created on API 2025-09-30.clover and later
 * (https://docs.stripe.com/changelog/clover/2025-09-30/billing-mode-default-flexible), the pinned
 * version among them; `classic` is what older integrations' subscriptions keep. The two differ, for
 * Subkit, in how the customer portal schedules a cancellation (see `pages/portal.ts`).
 */
export type BillingModeChoice = { type: 'classic' } | { type: 'flexible'; prorationDiscounts: ProrationDiscounts };
export type ProrationDiscounts = 'included' | 'itemized';

export const DEFAULT_BILLING_MODE: BillingModeChoice = { type: 'flexible', prorationDiscounts: 'included' };

/** `billing_mode` as Stripe returns it; `updated_at` is when the mode was adopted, here at creation. */
export function billingModeObject(mode: BillingModeChoice, adoptedAt: number): Subscription['billing_mode'] {
  return mode.type === 'classic'
    ? { flexible: null, type: 'classic' }
    : { flexible: { proration_discounts: mode.prorationDiscounts }, type: 'flexible', updated_at: adoptedAt };
}

/**
 * `billing_mode[type]` and `billing_mode[flexible][proration_discounts]` (stripe-node 23.1.0,
 * `Checkout.SessionCreateParams.SubscriptionData.BillingMode`); `type` is required in the hash.
 */
export function billingModeParam(params: Params, key: string, param: string): BillingModeChoice | undefined {
  const hash = optionalParams(params, key, param);
  if (!hash) return undefined;
  const type = oneOf(hash, 'type', ['classic', 'flexible'] as const, `${param}[type]`);
  if (!type) throw invalidParam(`${param}[type]`, `Missing required param: ${param}[type].`, 'parameter_missing');
  const flexible = optionalParams(hash, 'flexible', `${param}[flexible]`);
  if (type === 'classic') {
    if (flexible) {
      throw invalidParam(
        `${param}[flexible]`,
        `\`${param}[flexible]\` can only be set when \`${param}[type]\` is \`flexible\`.`,
      );
    }
    return { type };
  }
  const prorationDiscounts = flexible
    ? oneOf(
        flexible,
        'proration_discounts',
        ['included', 'itemized'] as const,
        `${param}[flexible][proration_discounts]`,
      )
    : undefined;
  return { type, prorationDiscounts: prorationDiscounts ?? 'included' };
}
