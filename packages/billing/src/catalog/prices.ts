import type { AppServices } from '@subkit/core';
import type Stripe from 'stripe';
import { isMissingResource, toBillingError } from '../stripe/errors';
import { idOf } from '../stripe/ids';

/** What billing needs to know about a price; small enough to cache. */
export interface PriceInfo {
  id: string;
  active: boolean;
  recurring: boolean;
  unitAmount: number | null;
  currency: string;
  interval: Stripe.Price.Recurring.Interval | null;
  intervalCount: number;
  productId: string;
  productName: string;
  productDescription: string | null;
  /**
   * What the plan includes: the product's `marketing_features[].name`, in Stripe's order. The
   * entitlements gate compares these names (`entitlements/`); read with the price, so cached with it.
   */
  features: string[];
}

/** Stripe price ids look like `price_1ABC123XYZ`; anything else is refused without asking Stripe. */
export const PRICE_ID_PATTERN = /^price_[A-Za-z0-9_]{1,100}$/;

/** The one rule for "is this a price id": checkout input and PLANS entries (else a lookup key) use it. */
export const isPriceId = (value: string): boolean => PRICE_ID_PATTERN.test(value);

// Prices rarely change and price.*/product.* webhooks drop the entry early; unknown ids are
// remembered briefly so a flood of made-up ids cannot spend our Stripe rate limit.
const KNOWN_TTL_MS = 5 * 60_000;
const UNKNOWN_TTL_MS = 30_000;
const cacheKey = (priceId: string) => `price:${priceId}`;

function toPriceInfo(price: Stripe.Price): PriceInfo {
  const product = typeof price.product === 'object' && !('deleted' in price.product) ? price.product : null;
  return {
    id: price.id,
    active: price.active,
    recurring: price.type === 'recurring' && price.recurring !== null,
    unitAmount: price.unit_amount,
    currency: price.currency,
    interval: price.recurring?.interval ?? null,
    intervalCount: price.recurring?.interval_count ?? 1,
    productId: idOf(price.product),
    productName: product?.name ?? '',
    productDescription: product?.description ?? null,
    features: product?.marketing_features.flatMap((feature) => (feature.name ? [feature.name] : [])) ?? [],
  };
}

/** Caches a price Stripe just returned (with its product expanded) and returns what billing keeps of it. */
export function rememberPrice({ cache }: Pick<AppServices, 'cache'>, price: Stripe.Price): PriceInfo {
  const info = toPriceInfo(price);
  cache.set(cacheKey(price.id), Promise.resolve(info), KNOWN_TTL_MS);
  return info;
}

/**
 * The price from cache, else from Stripe (product expanded, so one call serves the pricing page).
 * The cache holds the lookup itself, so concurrent requests for one price share one Stripe call;
 * a failed call is forgotten at once so the next request tries again.
 */
export function getPrice(
  { stripe, cache }: Pick<AppServices, 'stripe' | 'cache'>,
  priceId: string,
): Promise<PriceInfo | null> {
  const key = cacheKey(priceId);
  const cached = cache.get<Promise<PriceInfo | null>>(key);
  if (cached) return cached;
  const lookup = stripe.prices.retrieve(priceId, { expand: ['product'] }).then(
    (price) => rememberPrice({ cache }, price),
    (error: unknown) => {
      if (!isMissingResource(error)) {
        cache.deleteWhere((candidate) => candidate === key);
        throw toBillingError(error);
      }
      cache.set(key, Promise.resolve(null), UNKNOWN_TTL_MS);
      return null;
    },
  );
  cache.set(key, lookup, KNOWN_TTL_MS);
  return lookup;
}

/** Called from price.* and product.* webhooks so an edited price is seen at once. */
export function forgetPrices({ cache }: Pick<AppServices, 'cache'>): void {
  cache.deleteWhere((key) => key.startsWith('price:'));
}
