import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { subscriptions } from './schema';

/** Stripe statuses in which the customer still has (or is about to have) the plan. */
export const LIVE_SUBSCRIPTION_STATUSES = ['active', 'trialing', 'past_due'] as const;

export const isLiveSubscription = inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]);

/**
 * Whether the user in `userId` (a column of the outer query) has a live subscription, as a column
 * of that query. Here, next to the table, because the session lookup (auth) selects it for
 * checkout (billing): one round trip answers both (docs/performance.md).
 */
export function hasLiveSubscriptionColumn(userId: AnyPgColumn): SQL<boolean> {
  const live = and(eq(subscriptions.userId, userId), isLiveSubscription);
  return sql<boolean>`exists (select 1 from ${subscriptions} where ${live})`.mapWith(Boolean);
}
