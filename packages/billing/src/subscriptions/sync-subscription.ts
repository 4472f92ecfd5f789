import { subscriptions, type Transaction, users } from '@subkit/db';
import type { AppServices } from '@subkit/trpc';
import { eq, sql } from 'drizzle-orm';
import { toBillingError } from '../stripe/errors';
import { idOf, isUserId } from '../stripe/ids';

const fromUnix = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/**
 * Makes our row for a subscription equal to Stripe's *current* state. Webhooks arrive duplicated
 * and in any order, so the event's snapshot is only a hint of which subscription changed: we read
 * the subscription from Stripe under a per-subscription advisory lock, so two events for the same
 * subscription handled at once in two processes still write in the order they read.
 */
export async function syncSubscription(
  { stripe }: Pick<AppServices, 'stripe'>,
  tx: Transaction,
  subscriptionId: string,
  eventCreated: number,
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`subscription:${subscriptionId}`}))`);
  const subscription = await stripe.subscriptions.retrieve(subscriptionId).catch((error: unknown) => {
    throw toBillingError(error);
  });

  const customerId = idOf(subscription.customer);
  const userId = await findUserId(tx, customerId, subscription.metadata.userId);
  if (!userId) {
    // Not one of ours (e.g. created by hand in the dashboard): acknowledged, nothing to store.
    return;
  }

  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscription.id} has no items`);
  const row = {
    userId,
    customerId,
    status: subscription.status,
    priceId: item.price.id,
    productId: idOf(item.price.product),
    quantity: item.quantity ?? 1,
    // Since API 2025-03-31 the billing period lives on the item, not the subscription.
    currentPeriodEnd: fromUnix(item.current_period_end),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    canceledAt: fromUnix(subscription.canceled_at),
    endedAt: fromUnix(subscription.ended_at),
    trialEnd: fromUnix(subscription.trial_end),
    metadata: subscription.metadata,
    stripeUpdatedAt: new Date(eventCreated * 1000),
  };
  await tx
    .insert(subscriptions)
    .values({ id: subscription.id, ...row })
    .onConflictDoUpdate({
      target: subscriptions.id,
      set: { ...row, stripeUpdatedAt: sql`greatest(${subscriptions.stripeUpdatedAt}, excluded.stripe_updated_at)` },
    });
}

/** Our user for a Stripe customer; the metadata we set at checkout covers a customer not linked yet. */
async function findUserId(tx: Transaction, customerId: string, metadataUserId: string | undefined) {
  const [byCustomer] = await tx.select({ id: users.id }).from(users).where(eq(users.stripeCustomerId, customerId));
  if (byCustomer) return byCustomer.id;
  if (!isUserId(metadataUserId)) return null;
  const [byMetadata] = await tx.select({ id: users.id }).from(users).where(eq(users.id, metadataUserId));
  return byMetadata?.id ?? null;
}
