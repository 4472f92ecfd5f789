import type { AppServices } from '@subkit/core';
import { isLiveSubscription, LIVE_SUBSCRIPTION_STATUSES, subscriptions } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, desc, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { getPrice, type PriceInfo } from '../catalog/prices';
import { BILLING_ERROR_CODES } from '../error-codes';
import { toBillingError } from '../stripe/errors';

/** The user's live subscription as Stripe has it now (schedule and discounts expanded), with its one item. */
export interface LiveSubscription {
  subscription: Stripe.Subscription;
  item: Stripe.SubscriptionItem;
  price: PriceInfo;
}

const noLiveSubscription = () => new TRPCError(BILLING_ERROR_CODES.NO_LIVE_SUBSCRIPTION);

/**
 * Our row names the subscription; Stripe's current state decides. A change is computed from what
 * Stripe holds now, never from a row a late webhook has yet to update.
 */
export async function liveSubscription(
  services: Pick<AppServices, 'db' | 'stripe' | 'cache'>,
  userId: string,
): Promise<LiveSubscription> {
  const [row] = await services.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), isLiveSubscription))
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  if (!row) throw noLiveSubscription();
  const subscription = await services.stripe.subscriptions
    // The discounts with their coupons: what the next invoice will take off (next-invoice.ts).
    .retrieve(row.id, { expand: ['schedule', 'discounts.source.coupon'] })
    .catch((error: unknown) => {
      throw toBillingError(error);
    });
  const item = subscription.items.data[0];
  if (!(LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(subscription.status) || !item)
    throw noLiveSubscription();
  const price = await getPrice(services, item.price.id);
  if (!price) throw new Error(`Stripe has no price ${item.price.id} for subscription ${subscription.id}`);
  return { subscription, item, price };
}
