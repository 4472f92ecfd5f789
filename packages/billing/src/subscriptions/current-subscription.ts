import type { AppServices } from '@subkit/core';
import { isLiveSubscription, subscriptions } from '@subkit/db';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getPrice } from '../catalog/prices';

export const pendingChangeOutput = z
  .object({
    priceId: z
      .string()
      .meta({ description: 'The price the subscription moves to', examples: ['price_starter_monthly'] }),
    effectiveAt: z.string().meta({ description: 'ISO 8601 time the change takes effect (the current period end)' }),
  })
  .nullable()
  .meta({ description: 'A downgrade waiting for the period end, or null' });

export const subscriptionOutput = z
  .object({
    id: z.string().meta({ description: 'Stripe subscription ID', examples: ['sub_1NxYz2AbCdEf'] }),
    status: z.string().meta({
      description: "Stripe's status: active, trialing, past_due, canceled, unpaid, incomplete, …",
      examples: ['active'],
    }),
    priceId: z.string(),
    productName: z.string().nullable(),
    quantity: z.number().int(),
    currentPeriodEnd: z.string().nullable().meta({ description: 'ISO 8601 time the paid period ends' }),
    interval: z
      .enum(['day', 'week', 'month', 'year'])
      .nullable()
      .meta({ description: "The price's billing period unit; null only if Stripe's price cannot be read" }),
    cancelAtPeriodEnd: z
      .boolean()
      .meta({ description: 'Set to end at the period end (billing.cancelSubscription, or the portal)' }),
    pendingChange: pendingChangeOutput,
    canceledAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    trialEnd: z.string().nullable().meta({
      description:
        'ISO 8601 time a free trial ends (the first charge, or the end, see endsWithTrial); null without one',
    }),
    endsWithTrial: z.boolean().meta({
      description:
        'True while trialing with no payment method on file when the trial is set to cancel without one (TRIAL_REQUIRES_CARD=false): the subscription ends at trialEnd unless a card is added',
    }),
    metadata: z.record(z.string(), z.string()).meta({ description: 'The metadata given at checkout, plus userId' }),
  })
  .nullable()
  .meta({ description: "The user's current subscription, or null when they never subscribed" });
export type SubscriptionSummary = z.infer<typeof subscriptionOutput>;

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const intervalOf = (value: string | null) =>
  (INTERVALS as readonly string[]).includes(value ?? '') ? (value as (typeof INTERVALS)[number]) : null;

/** The subscription the user should see: a live one first, else the most recent. */
export async function currentSubscription(
  services: Pick<AppServices, 'db' | 'stripe' | 'cache'>,
  userId: string,
): Promise<SubscriptionSummary> {
  const [row] = await services.db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.userId, userId))
    .orderBy(desc(isLiveSubscription), desc(subscriptions.createdAt))
    .limit(1);
  if (!row) return null;
  const price = await getPrice(services, row.priceId).catch(() => null);
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: row.id,
    status: row.status,
    priceId: row.priceId,
    productName: price?.productName || null,
    quantity: row.quantity,
    currentPeriodEnd: iso(row.currentPeriodEnd),
    interval: intervalOf(row.interval ?? price?.interval ?? null),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    pendingChange:
      row.pendingPriceId && row.pendingChangeAt
        ? { priceId: row.pendingPriceId, effectiveAt: row.pendingChangeAt.toISOString() }
        : null,
    canceledAt: iso(row.canceledAt),
    endedAt: iso(row.endedAt),
    trialEnd: iso(row.trialEnd),
    endsWithTrial: row.endsWithTrial,
    metadata: row.metadata,
  };
}
