import type Stripe from 'stripe';

type CancellationFields = Pick<Stripe.Subscription, 'cancel_at' | 'cancel_at_period_end' | 'items'>;

/**
 * Whether the subscription is set to end when its paid period does. Stripe records that in one of
 * two ways (https://docs.stripe.com/billing/subscriptions/billing-mode/compare, "scheduled
 * cancellation"): `cancel_at_period_end` (our own cancel, and the portal in classic billing mode), or
 * only `cancel_at` at the latest item period end, `cancel_at_period_end` false (the portal in flexible
 * mode, the default for subscriptions created on current API versions). A `cancel_at` after the
 * current period is not an end at the period end: the subscription renews first.
 */
export function endsAtPeriodEnd(subscription: CancellationFields): boolean {
  if (subscription.cancel_at_period_end) return true;
  const periodEnd = Math.max(0, ...subscription.items.data.map((item) => item.current_period_end));
  return subscription.cancel_at !== null && subscription.cancel_at <= periodEnd;
}

/**
 * The update that takes back whichever cancellation is set, or null when none is. Only one of the
 * two may be sent: `cancel_at_period_end: false` when that flag is what set the date, else clear
 * `cancel_at` itself.
 */
export function withdrawCancellation(subscription: CancellationFields): Stripe.SubscriptionUpdateParams | null {
  if (subscription.cancel_at_period_end) return { cancel_at_period_end: false };
  if (subscription.cancel_at !== null) return { cancel_at: '' };
  return null;
}
