import { PROMOTION_CODE_MAX_LENGTH } from '@subkit/billing/promotion-code-bounds';

/**
 * The plan a signed-out visitor chose on the pricing page travels as `?plan=price_…` through
 * sign-up or sign-in and back to the pricing page, which continues to its checkout. Only a value
 * shaped like a price id is carried: the server decides whether it is on offer.
 */
const PRICE_ID = /^price_[A-Za-z0-9_]{1,200}$/;

/** `?plan=…&code=…`: the plan a visitor chose and the promotion code they typed with it, if any. */
export interface ChosenPlanSearch {
  plan?: string;
  code?: string;
}

/**
 * The chosen plan's search params, as every route that carries them reads them. The code travels only
 * with a plan, trimmed, and only within the server's bound: the server's schema (with zod, which the
 * first load does without) decides the rest, and its refusal shows next to the code's field.
 */
export function chosenPlanSearch(search: Record<string, unknown>): ChosenPlanSearch {
  // Both keys always, undefined when refused: TanStack Router lays a route's validated search over
  // the raw one, so a key left out would keep its raw value in `useSearch`.
  const plan = typeof search.plan === 'string' && PRICE_ID.test(search.plan) ? search.plan : undefined;
  const code = typeof search.code === 'string' ? search.code.trim() : '';
  const carried = plan !== undefined && code.length >= 1 && code.length <= PROMOTION_CODE_MAX_LENGTH;
  return { plan, code: carried ? code : undefined };
}

/** Where Stripe sends the person back: the dashboard syncs `{CHECKOUT_SESSION_ID}` (Stripe fills it in). */
export function checkoutReturnUrls(origin: string) {
  return {
    successUrl: `${origin}/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${origin}/pricing?checkout=cancelled`,
  };
}
