import { newId } from '../ids';
import type { Metadata } from '../params';
import type { Plan, Price } from '../wire';

export const INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];

export function isInterval(value: unknown): value is Interval {
  return (INTERVALS as readonly unknown[]).includes(value);
}

export interface RecurringInput {
  interval: Interval;
  interval_count?: number;
  trial_period_days?: number | null;
}

export interface PriceInput {
  id?: string;
  product: string;
  unit_amount: number;
  currency: string;
  recurring?: RecurringInput | null;
  active?: boolean;
  lookup_key?: string | null;
  nickname?: string | null;
  metadata?: Metadata;
  created: number;
}

export function buildPrice(input: PriceInput): Price {
  const recurring = input.recurring ?? null;
  return {
    id: input.id ?? newId('price'),
    object: 'price',
    active: input.active ?? true,
    billing_scheme: 'per_unit',
    created: input.created,
    currency: input.currency.toLowerCase(),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookup_key ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring: recurring && {
      interval: recurring.interval,
      interval_count: recurring.interval_count ?? 1,
      meter: null,
      usage_type: 'licensed',
      trial_period_days: recurring.trial_period_days ?? null,
    },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: input.unit_amount,
    unit_amount_decimal: String(input.unit_amount),
  };
}

/** Subscription items still carry the legacy `plan` view of their (recurring) price. */
export function planFromPrice(price: Price): Plan {
  const recurring = price.recurring;
  if (!recurring) throw new Error(`Price ${price.id} is not recurring and has no plan.`);
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days,
    usage_type: 'licensed',
  };
}

/**
 * Adds one billing interval (`interval_count` × `interval`) to a Unix
 * timestamp, in UTC calendar terms: Jan 31 + 1 month = Feb 28/29, as Stripe does.
 */
export function addInterval(timestamp: number, recurring: NonNullable<Price['recurring']>): number {
  const date = new Date(timestamp * 1000);
  const count = recurring.interval_count;
  switch (recurring.interval) {
    case 'day':
      date.setUTCDate(date.getUTCDate() + count);
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7 * count);
      break;
    case 'month':
    case 'year':
      return addMonths(timestamp, recurring.interval === 'year' ? 12 * count : count);
    default:
      throw new Error(`Unsupported billing interval: ${recurring.interval}`);
  }
  return Math.floor(date.getTime() / 1000);
}

/** Calendar months later, on the same day or the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(timestamp: number, months: number): number {
  const date = new Date(timestamp * 1000);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return Math.floor(date.getTime() / 1000);
}
