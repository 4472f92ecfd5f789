import type { AppServices } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { BILLING_ERROR_CODES } from '../error-codes';
import { toBillingError } from '../stripe/errors';
import { getPrice, isPriceId, type PriceInfo, rememberPrice } from './prices';

const interval = z.enum(['day', 'week', 'month', 'year']);

export const planOutput = z.object({
  priceId: z.string().meta({ description: 'Stripe price ID: pass it to checkout', examples: ['price_1ABC123XYZ'] }),
  productId: z
    .string()
    .meta({ description: 'Stripe product ID: plans of one product are its billing periods', examples: ['prod_pro'] }),
  productName: z.string().meta({ examples: ['Pro'] }),
  productDescription: z
    .string()
    .nullable()
    .meta({ description: "The product's description in Stripe", examples: ['For teams that bill every day.'] }),
  features: z
    .array(z.string())
    .meta({ description: "The names of the product's marketing features in Stripe", examples: [['Priority support']] }),
  unitAmount: z
    .number()
    .nullable()
    .meta({ description: 'Price in the smallest currency unit (cents)', examples: [2900] }),
  currency: z.string().meta({ description: 'ISO currency code, lowercase', examples: ['usd'] }),
  interval: interval.meta({ description: 'Billing period unit' }),
  intervalCount: z
    .number()
    .int()
    .meta({ description: 'Billing periods between charges', examples: [1] }),
});
export const plansOutput = z.array(planOutput);
export type Plan = z.infer<typeof planOutput>;

type CatalogServices = Pick<AppServices, 'stripe' | 'cache' | 'settings'>;

// Same lifetime as a cached price; the `price:` prefix lets price.*/product.* webhooks drop these too.
const OFFER_TTL_MS = 5 * 60_000;
const ALL_ACTIVE_KEY = 'price:offer:all-active';
const lookupKeyCacheKey = (key: string) => `price:lookup:${key}`;

/** A configured entry as Stripe knows it: the price, or null when no price has that id or lookup key. */
interface ResolvedEntry {
  entry: string;
  price: PriceInfo | null;
}

/** Lookup keys resolve in one list call; what Stripe returned is cached like any price. */
async function resolveLookupKeys(services: CatalogServices, keys: readonly string[]): Promise<Map<string, PriceInfo>> {
  const byLookupKey = new Map<string, PriceInfo>();
  const uncachedKeys = keys.filter((key) => {
    const cached = services.cache.get<PriceInfo>(lookupKeyCacheKey(key));
    if (cached) byLookupKey.set(key, cached);
    return !cached;
  });
  if (uncachedKeys.length === 0) return byLookupKey;
  const found = await services.stripe.prices
    .list({ lookup_keys: uncachedKeys, expand: ['data.product'], limit: 100 })
    .catch((error: unknown) => {
      throw toBillingError(error);
    });
  for (const price of found.data) {
    const info = rememberPrice(services, price);
    if (price.lookup_key) {
      services.cache.set(lookupKeyCacheKey(price.lookup_key), info, OFFER_TTL_MS);
      byLookupKey.set(price.lookup_key, info);
    }
  }
  return byLookupKey;
}

/**
 * With a real key and PLANS unset, the offer is every active recurring price in the account
 * (all pages, via the SDK's auto-pagination), cheapest first. Cached as one promise so concurrent
 * pricing-page views share one listing; a failed listing is forgotten so the next view retries.
 */
function allActiveRecurringPrices(services: CatalogServices): Promise<PriceInfo[]> {
  const cached = services.cache.get<Promise<PriceInfo[]>>(ALL_ACTIVE_KEY);
  if (cached) return cached;
  const listing = services.stripe.prices
    .list({ active: true, type: 'recurring', expand: ['data.product'], limit: 100 })
    .autoPagingToArray({ limit: 10_000 })
    .then(
      (prices) =>
        prices
          .map((price) => rememberPrice(services, price))
          .sort(
            (a, b) =>
              a.currency.localeCompare(b.currency) ||
              (a.unitAmount ?? 0) - (b.unitAmount ?? 0) ||
              a.id.localeCompare(b.id),
          ),
      (error: unknown) => {
        services.cache.deleteWhere((key) => key === ALL_ACTIVE_KEY);
        throw toBillingError(error);
      },
    );
  services.cache.set(ALL_ACTIVE_KEY, listing, OFFER_TTL_MS);
  return listing;
}

/** Each configured entry (price id or lookup key) with the price it names, in configured order. */
async function resolveEntries(services: CatalogServices, entries: readonly string[]): Promise<ResolvedEntry[]> {
  const byLookupKey = await resolveLookupKeys(
    services,
    entries.filter((entry) => !isPriceId(entry)),
  );
  return Promise.all(
    entries.map(async (entry) => ({
      entry,
      price: isPriceId(entry) ? await getPrice(services, entry) : (byLookupKey.get(entry) ?? null),
    })),
  );
}

function isSellable(price: PriceInfo | null): price is PriceInfo {
  return price?.active === true && price.recurring && interval.safeParse(price.interval).success;
}

/**
 * The plans the pricing page offers, in configured order (or cheapest first when every active
 * recurring price is on offer). Entries Stripe does not know, and inactive or one-time prices,
 * are left out rather than failing the page: `offerProblems` names them at start-up and in
 * /api/ready. Prices come through the same cache as checkout, so a view costs no Stripe call.
 */
export async function listPlans(services: CatalogServices): Promise<Plan[]> {
  const { plans } = services.settings.billing;
  const prices =
    plans === 'all-active'
      ? await allActiveRecurringPrices(services)
      : (await resolveEntries(services, plans)).map(({ price }) => price);
  return prices.filter(isSellable).map((price) => ({
    priceId: price.id,
    productId: price.productId,
    productName: price.productName,
    productDescription: price.productDescription,
    features: price.features,
    unitAmount: price.unitAmount,
    currency: price.currency,
    interval: interval.parse(price.interval),
    intervalCount: price.intervalCount,
  }));
}

/**
 * Whether a price is on offer: configured by id, or the price a configured lookup key names, or
 * (PLANS unset with a real key) any active recurring price. Anything else in the Stripe account,
 * such as a legacy or internal price, cannot be bought through checkout.
 */
export async function isOnOffer(services: CatalogServices, priceId: string): Promise<boolean> {
  const { plans } = services.settings.billing;
  if (plans === 'all-active') return (await allActiveRecurringPrices(services)).some((price) => price.id === priceId);
  if (plans.includes(priceId)) return true;
  const byLookupKey = await resolveLookupKeys(
    services,
    plans.filter((entry) => !isPriceId(entry)),
  );
  return [...byLookupKey.values()].some((price) => price.id === priceId);
}

/**
 * What is wrong with the configured offer, one readable sentence per problem naming the entry
 * (empty when nothing is). Stripe failures propagate: the caller decides whether they matter.
 */
export async function offerProblems(services: CatalogServices): Promise<string[]> {
  const { plans } = services.settings.billing;
  if (plans === 'all-active') {
    const prices = await allActiveRecurringPrices(services);
    return prices.some(isSellable) ? [] : ['PLANS is unset and Stripe has no active recurring price to offer'];
  }
  return (await resolveEntries(services, plans)).flatMap(({ entry, price }) => {
    if (!price) return [`PLANS entry "${entry}" does not exist in Stripe`];
    if (!price.active) return [`PLANS entry "${entry}" is an inactive price`];
    if (!isSellable(price)) return [`PLANS entry "${entry}" is not a recurring price`];
    return [];
  });
}

/** A price the pricing page offers, the only kind sold (checkout, plan changes); else "Invalid price ID". */
export async function offeredPrice(
  services: Pick<AppServices, 'stripe' | 'cache' | 'settings'>,
  priceId: string,
): Promise<PriceInfo> {
  const price = await getPrice(services, priceId);
  if (!price?.active || !price.recurring || !(await isOnOffer(services, price.id))) {
    throw new TRPCError(BILLING_ERROR_CODES.INVALID_PRICE);
  }
  return price;
}
