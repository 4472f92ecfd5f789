import type { Plan } from './format-price';

/** What the pricing page's switch chooses between, for products sold both ways. */
export type Cadence = 'month' | 'year';

/** One product on the pricing page: its plans, and the monthly and yearly ones when it has them. */
export interface ProductOffer {
  productId: string;
  plans: Plan[];
  monthly: Plan | undefined;
  yearly: Plan | undefined;
}

const isEvery = (plan: Plan, interval: Cadence) => plan.interval === interval && plan.intervalCount === 1;

/** The plans grouped by product, products in the order their first plan is offered. */
export function groupByProduct(plans: readonly Plan[]): ProductOffer[] {
  const byProduct = new Map<string, Plan[]>();
  for (const plan of plans) byProduct.set(plan.productId, [...(byProduct.get(plan.productId) ?? []), plan]);
  return [...byProduct].map(([productId, productPlans]) => ({
    productId,
    plans: productPlans,
    monthly: productPlans.find((plan) => isEvery(plan, 'month')),
    yearly: productPlans.find((plan) => isEvery(plan, 'year')),
  }));
}

export function hasBothCadences(offer: ProductOffer): boolean {
  return offer.monthly !== undefined && offer.yearly !== undefined;
}

/** The plan to show for the chosen cadence; a product sold only one way shows that way. */
export function planFor(offer: ProductOffer, cadence: Cadence): Plan {
  const preferred = cadence === 'year' ? offer.yearly : offer.monthly;
  return preferred ?? (offer.plans[0] as Plan);
}

/**
 * What paying yearly saves over twelve monthly payments, in whole percent ("Save 17%"); null
 * when the two cannot be compared (another currency, no fixed amount) or yearly saves nothing.
 */
export function yearlySaving(offer: ProductOffer): number | null {
  const { monthly, yearly } = offer;
  if (!monthly || !yearly || monthly.currency !== yearly.currency) return null;
  if (monthly.unitAmount === null || yearly.unitAmount === null || monthly.unitAmount === 0) return null;
  const percent = Math.round((1 - yearly.unitAmount / (12 * monthly.unitAmount)) * 100);
  return percent > 0 ? percent : null;
}
