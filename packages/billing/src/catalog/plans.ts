import type { AppServices } from '@subkit/trpc';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { toBillingError } from '../stripe/errors';
import { getPrice, type PriceInfo, rememberPrice } from './prices';

const interval = z.enum(['day', 'week', 'month', 'year']);

export const planOutput = z.object({
  priceId: z.string().meta({ description: 'Stripe price ID: pass it to checkout', examples: ['price_1ABC123XYZ'] }),
  productName: z.string().meta({ examples: ['Pro'] }),
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

/**
 * The plans the pricing page offers, in configured order. Each entry of `settings.plans` is a price
 * id or a lookup key; lookup keys are resolved in one list call. Prices come through the same cache
 * as checkout, so the pricing page costs no Stripe call per view.
 */
export async function listPlans(services: Pick<AppServices, 'stripe' | 'cache' | 'settings'>): Promise<Plan[]> {
  const entries = services.settings.plans;
  const lookupKeys = entries.filter((entry) => !entry.startsWith('price_'));
  const byLookupKey = new Map<string, PriceInfo>();
  const uncachedKeys = lookupKeys.filter((key) => {
    const cached = services.cache.get<PriceInfo>(`price:lookup:${key}`);
    if (cached) byLookupKey.set(key, cached);
    return !cached;
  });
  if (uncachedKeys.length > 0) {
    const found = await services.stripe.prices
      .list({ lookup_keys: uncachedKeys, expand: ['data.product'], limit: 100 })
      .catch((error: unknown) => {
        throw toBillingError(error);
      });
    for (const price of found.data) {
      const info = rememberPrice(services, price);
      if (price.lookup_key) {
        services.cache.set(`price:lookup:${price.lookup_key}`, info, 5 * 60_000);
        byLookupKey.set(price.lookup_key, info);
      }
    }
  }

  const prices = await Promise.all(
    entries.map((entry) => (entry.startsWith('price_') ? getPrice(services, entry) : (byLookupKey.get(entry) ?? null))),
  );
  return prices.flatMap((price, index) => {
    if (!price) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: `Configured plan ${entries[index]} does not exist in Stripe`,
      });
    }
    const parsedInterval = interval.safeParse(price.interval);
    if (!price.active || !price.recurring || !parsedInterval.success) return [];
    return [
      {
        priceId: price.id,
        productName: price.productName,
        unitAmount: price.unitAmount,
        currency: price.currency,
        interval: parsedInterval.data,
        intervalCount: price.intervalCount,
      },
    ];
  });
}
