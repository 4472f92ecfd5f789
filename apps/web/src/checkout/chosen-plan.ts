/**
 * The plan a signed-out visitor chose on the pricing page travels as `?plan=price_…` through
 * sign-up or sign-in and back to the pricing page, which continues to its checkout. Only a value
 * shaped like a price id is carried: the server decides whether it is on offer.
 */
const PRICE_ID = /^price_[A-Za-z0-9_]{1,200}$/;

export function chosenPlanOf(searchParams: URLSearchParams): string | null {
  const plan = searchParams.get('plan');
  return plan !== null && PRICE_ID.test(plan) ? plan : null;
}

/** `path` carrying the chosen plan, if there is one. */
export function withChosenPlan(path: string, plan: string | null): string {
  return plan ? `${path}?${new URLSearchParams({ plan })}` : path;
}

/** Where Stripe sends the person back: the dashboard syncs `{CHECKOUT_SESSION_ID}` (Stripe fills it in). */
export function checkoutReturnUrls(origin: string) {
  return {
    successUrl: `${origin}/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${origin}/pricing?checkout=cancelled`,
  };
}
