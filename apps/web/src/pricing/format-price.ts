import type { RouterOutputs } from '../trpc';

export type Plan = RouterOutputs['billing']['plans'][number];
type Interval = Plan['interval'];

/**
 * Stripe amounts are in the currency's smallest unit (cents for USD, whole yen for JPY). Intl knows
 * how many decimals each currency has, so it also tells us what to divide by.
 */
export function formatPrice(unitAmount: number | null, currency: string, locale?: string): string {
  if (unitAmount === null) return 'Custom pricing';
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(unitAmount / 10 ** decimals);
}

/** "per month", or "every 3 months" when Stripe bills several intervals at once. */
export function formatInterval(interval: Interval, intervalCount: number): string {
  return intervalCount === 1 ? `per ${interval}` : `every ${intervalCount} ${interval}s`;
}

const ADVERBS: Record<Interval, string> = { day: 'daily', week: 'weekly', month: 'monthly', year: 'yearly' };

/** "Pro monthly": tells two plans of one product apart, e.g. in a button's accessible name. */
export function describePlan(plan: Pick<Plan, 'productName' | 'interval' | 'intervalCount'>): string {
  const cadence = plan.intervalCount === 1 ? ADVERBS[plan.interval] : formatInterval(plan.interval, plan.intervalCount);
  return `${plan.productName} ${cadence}`;
}
