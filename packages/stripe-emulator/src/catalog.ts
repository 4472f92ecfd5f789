import type { CouponDuration } from './objects/coupon';
import { INTERVALS, type Interval, isInterval } from './objects/price';

/** What the emulator is seeded with: products with their prices, and coupons with their promotion codes. */
export type CatalogEntry = CatalogProduct | CatalogPromotion;

/** One product and its prices, as accepted by the `catalog` option and the CLI's `--catalog` JSON file. */
export interface CatalogProduct {
  /** `features`: the product's `marketing_features` names, what a plan includes. */
  product: { id: string; name: string; description?: string; features?: string[] };
  prices: CatalogPrice[];
}

/** A coupon and the customer-facing codes that redeem it (the `catalog` option only). */
export interface CatalogPromotion {
  coupon: {
    id: string;
    name?: string;
    percent_off?: number;
    amount_off?: number;
    currency?: string;
    duration: CouponDuration;
    duration_in_months?: number;
  };
  promotion_codes: { code: string }[];
}

export const isCatalogProduct = (entry: CatalogEntry): entry is CatalogProduct => 'product' in entry;

export interface CatalogPrice {
  id: string;
  unit_amount: number;
  currency: string;
  recurring?: { interval: Interval; interval_count?: number; trial_period_days?: number };
  active?: boolean;
  lookup_key?: string;
}

/** The catalog the product's own code and tests refer to by id; change it only together with them. */
export const DEFAULT_CATALOG: CatalogEntry[] = [
  {
    product: {
      id: 'prod_pro',
      name: 'Pro',
      description: 'For teams that bill customers every day.',
      features: ['Unlimited projects', 'Report export', 'Priority support'],
    },
    prices: [
      {
        id: 'price_1ABC123XYZ',
        unit_amount: 2900,
        currency: 'usd',
        recurring: { interval: 'month' },
        lookup_key: 'pro_monthly',
      },
      {
        id: 'price_pro_yearly',
        unit_amount: 29000,
        currency: 'usd',
        recurring: { interval: 'year' },
        lookup_key: 'pro_yearly',
      },
    ],
  },
  {
    product: {
      id: 'prod_starter',
      name: 'Starter',
      description: 'Everything you need to start charging.',
      features: ['Up to 3 projects', 'Email support'],
    },
    prices: [
      {
        id: 'price_starter_monthly',
        unit_amount: 900,
        currency: 'usd',
        recurring: { interval: 'month' },
        lookup_key: 'starter_monthly',
      },
      {
        id: 'price_legacy_inactive',
        unit_amount: 500,
        currency: 'usd',
        recurring: { interval: 'month' },
        active: false,
      },
    ],
  },
  {
    product: { id: 'prod_setup', name: 'Setup' },
    prices: [{ id: 'price_one_time_setup', unit_amount: 4900, currency: 'usd' }],
  },
  {
    coupon: { id: 'friend20', name: 'Friends: 20% off', percent_off: 20, duration: 'forever' },
    promotion_codes: [{ code: 'FRIEND20' }],
  },
];

/** Validates a catalog read from JSON, naming the first offending entry so a typo in a file is easy to find. */
export function parseCatalog(json: unknown): CatalogProduct[] {
  if (!Array.isArray(json)) throw new Error('The catalog must be a JSON array of { product, prices } entries.');
  return json.map((entry: unknown, index) => {
    const where = `catalog[${index}]`;
    if (!isObject(entry) || !isObject(entry.product) || !Array.isArray(entry.prices)) {
      throw new Error(`${where} must look like { "product": { "id", "name" }, "prices": [...] }.`);
    }
    const { id, name, description, features } = entry.product;
    if (typeof id !== 'string' || typeof name !== 'string')
      throw new Error(`${where}.product needs a string id and name.`);
    if (features !== undefined && !(Array.isArray(features) && features.every((f) => typeof f === 'string'))) {
      throw new Error(`${where}.product.features must be an array of strings.`);
    }
    return {
      product: {
        id,
        name,
        ...(typeof description === 'string' ? { description } : {}),
        ...(features ? { features } : {}),
      },
      prices: entry.prices.map((price: unknown, priceIndex) =>
        parseCatalogPrice(price, `${where}.prices[${priceIndex}]`),
      ),
    };
  });
}

function parseCatalogPrice(price: unknown, where: string): CatalogPrice {
  if (!isObject(price)) throw new Error(`${where} must be an object.`);
  const { id, unit_amount, currency, recurring, active, lookup_key } = price;
  if (typeof id !== 'string') throw new Error(`${where}.id must be a string.`);
  if (typeof unit_amount !== 'number' || !Number.isInteger(unit_amount) || unit_amount < 0) {
    throw new Error(`${where}.unit_amount must be a non-negative integer in the currency's minor unit.`);
  }
  if (typeof currency !== 'string') throw new Error(`${where}.currency must be a string such as "usd".`);
  const parsed: CatalogPrice = { id, unit_amount, currency };
  if (recurring !== undefined) {
    if (!isObject(recurring) || !isInterval(recurring.interval)) {
      throw new Error(`${where}.recurring.interval must be one of ${INTERVALS.join(', ')}.`);
    }
    const { interval_count, trial_period_days } = recurring;
    parsed.recurring = {
      interval: recurring.interval,
      ...(typeof interval_count === 'number' ? { interval_count } : {}),
      ...(typeof trial_period_days === 'number' ? { trial_period_days } : {}),
    };
  }
  if (typeof active === 'boolean') parsed.active = active;
  if (typeof lookup_key === 'string') parsed.lookup_key = lookup_key;
  return parsed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
