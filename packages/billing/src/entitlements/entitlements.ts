import type { AppServices } from '@subkit/core';
import { isLiveSubscription, LIVE_SUBSCRIPTION_STATUSES, preparedPerDatabase, subscriptions } from '@subkit/db';
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getPrice, type PriceInfo } from '../catalog/prices';

/**
 * Statuses that count as subscribed: active, trialing, and past_due, which is Stripe's retry window
 * after a failed renewal (the customer keeps the plan while Stripe retries). unpaid, canceled,
 * incomplete, incomplete_expired and paused do not.
 */
export const SUBSCRIBED_STATUSES: readonly string[] = LIVE_SUBSCRIPTION_STATUSES;

export const entitlementsOutput = z.object({
  subscribed: z.boolean().meta({ description: 'The subscription is active, trialing or past_due' }),
  status: z
    .string()
    .nullable()
    .meta({ description: "The subscription's Stripe status, or null without one", examples: ['past_due'] }),
  features: z.array(z.string()).meta({
    description: "What the plan includes (its Stripe product's marketing features); empty unless subscribed",
    examples: [['Unlimited projects', 'Report export', 'Priority support']],
  }),
});
export type Entitlements = z.infer<typeof entitlementsOutput>;

/** The one rule: what a stored subscription (status and price) gives, the price's features only while subscribed. */
export function deriveEntitlements(
  subscription: { status: string } | undefined,
  price: Pick<PriceInfo, 'features'> | null,
): Entitlements {
  const subscribed = subscription !== undefined && SUBSCRIBED_STATUSES.includes(subscription.status);
  return {
    subscribed,
    status: subscription?.status ?? null,
    features: subscribed && price ? [...price.features] : [],
  };
}

// Every gated call runs it, so it is prepared once. A live subscription first, else the most recent.
const subscriptionOf = preparedPerDatabase((db) =>
  db
    .select({ status: subscriptions.status, priceId: subscriptions.priceId })
    .from(subscriptions)
    .where(eq(subscriptions.userId, sql.placeholder('userId')))
    .orderBy(desc(isLiveSubscription), desc(subscriptions.createdAt))
    .limit(1)
    .prepare('entitlements_subscription_of'),
);

/**
 * What the user may use, from the stored subscription (kept current by Stripe's subscription and
 * invoice webhooks) and the cached price: no Stripe call while the price is cached, and none at all
 * without a live subscription. A price Stripe no longer has gives no features.
 */
export async function entitlementsOf(
  services: Pick<AppServices, 'db' | 'stripe' | 'cache'>,
  userId: string,
): Promise<Entitlements> {
  const [row] = await subscriptionOf(services.db).execute({ userId });
  const live = row !== undefined && SUBSCRIBED_STATUSES.includes(row.status);
  const price = live ? await getPrice(services, row.priceId) : null;
  return deriveEntitlements(row, price);
}
