import type Stripe from 'stripe';

/**
 * What a renewal invoice of `amount` will charge at `at`, after the subscription's discounts still
 * running then, taken in turn as Stripe stacks them: a `once` coupon was spent on the first invoice,
 * a `repeating` one stops at its discount's `end`, a `forever` one stays. Needs the subscription read
 * with `discounts.source.coupon` expanded; a discount whose coupon is not at hand is left out.
 */
export function discountedRenewal(subscription: Stripe.Subscription, amount: number, at: number): number {
  let remaining = amount;
  for (const discount of subscription.discounts) {
    if (typeof discount === 'string' || (discount.end !== null && discount.end <= at)) continue;
    const coupon = discount.source.coupon;
    if (!coupon || typeof coupon === 'string' || coupon.duration === 'once') continue;
    if (coupon.percent_off !== null) remaining = Math.round((remaining * (100 - coupon.percent_off)) / 100);
    else if (coupon.amount_off !== null && coupon.currency === subscription.currency) {
      remaining = Math.max(0, remaining - coupon.amount_off);
    }
  }
  return remaining;
}
