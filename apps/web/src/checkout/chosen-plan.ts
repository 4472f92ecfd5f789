/**
 * The plan a signed-out visitor chose on the pricing page travels as `?plan=price_…` through
 * sign-up or sign-in and back to the pricing page, which continues to its checkout. Only a value
 * shaped like a price id is carried: the server decides whether it is on offer.
 */
const PRICE_ID = /^price_[A-Za-z0-9_]{1,200}$/;

/** The `plan` search param, if it is shaped like a price id. */
export function chosenPlanOf(plan: unknown): string | null {
  return typeof plan === 'string' && PRICE_ID.test(plan) ? plan : null;
}

/** Where Stripe sends the person back: the dashboard syncs `{CHECKOUT_SESSION_ID}` (Stripe fills it in). */
export function checkoutReturnUrls(origin: string) {
  return {
    successUrl: `${origin}/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${origin}/pricing?checkout=cancelled`,
  };
}
