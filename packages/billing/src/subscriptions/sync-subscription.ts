import type { AppServices } from '@subkit/core';
import { type Database, LIVE_SUBSCRIPTION_STATUSES, subscriptions, type Transaction, users } from '@subkit/db';
import { eq, lt, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { isMissingResource, toBillingError } from '../stripe/errors';
import { idOf, isUserId } from '../stripe/ids';
import { endsWithTrial, recordTrialGrant } from '../trials/trial-offer';
import type { AfterCommit, ApplyEvent, LedgerEntry } from '../webhooks/handler';
import { IgnoredEvent } from '../webhooks/ignored-event';
import { flagDuplicateSubscriptions } from './duplicate-subscriptions';
import { endsAtPeriodEnd } from './scheduled-cancellation';
import { scheduledChangeOf } from './scheduled-change';

const fromUnix = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/**
 * What an event about a subscription means to us: read the subscription from Stripe now, with no
 * database connection held, and store that read in the ledger's transaction.
 */
export async function syncSubscription(
  services: Pick<AppServices, 'stripe'>,
  subscriptionId: string,
  eventCreated: number,
): Promise<ApplyEvent> {
  const subscription = await readSubscription(services, subscriptionId);
  return (tx, entry) => storeSubscription(tx, subscription, entry, eventCreated);
}

/**
 * Stripe's *current* state of a subscription. Webhooks arrive duplicated and in any order, so an
 * event's snapshot is only a hint of which subscription changed; our row is written from this read.
 * A subscription Stripe does not have makes the event one to ignore: there is nothing to read now
 * or on any retry.
 */
function readSubscription(
  { stripe }: Pick<AppServices, 'stripe'>,
  subscriptionId: string,
): Promise<Stripe.Subscription> {
  // The schedule comes expanded: a plan change waiting for the period end is read from its phases.
  // So does the customer: their default payment method says whether a trial ends the subscription.
  return stripe.subscriptions.retrieve(subscriptionId, { expand: ['schedule', 'customer'] }).catch((error: unknown) => {
    if (isMissingResource(error))
      throw new IgnoredEvent(`Stripe has no subscription ${subscriptionId}: ${error.message}`);
    throw toBillingError(error);
  });
}

/**
 * Makes our row equal to a read of Stripe made for the ledger entry `entry`. Two processes can
 * read the same subscription for two events and finish in either order; the read made for the
 * later-received event wins, because it started after that event arrived and so reflects every
 * change announced before it (a change after it brings an event, and a read, of its own).
 *
 * A live subscription is then checked against the user's others: at most one may be live.
 */
export async function storeSubscription(
  tx: Transaction,
  subscription: Stripe.Subscription,
  entry: LedgerEntry,
  eventCreated: number,
): Promise<AfterCommit | undefined> {
  // Releases before source_event_seq read Stripe under this lock and then wrote unconditionally.
  // Taking it for our (short) write keeps their writes and ours apart while both run in one fleet
  // during a rolling upgrade; it can go once no process of those releases is left anywhere.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`subscription:${subscription.id}`}))`);
  const customerId = idOf(subscription.customer);
  const userId = await findUserId(tx, customerId, subscription.metadata.userId);
  if (!userId) {
    // Not one of ours (e.g. created by hand in the dashboard): acknowledged, nothing to store.
    return undefined;
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
    cancelAtPeriodEnd: endsAtPeriodEnd(subscription),
    canceledAt: fromUnix(subscription.canceled_at),
    endedAt: fromUnix(subscription.ended_at),
    trialEnd: fromUnix(subscription.trial_end),
    endsWithTrial: endsWithTrial(subscription),
    metadata: subscription.metadata,
    interval: item.price.recurring?.interval ?? null,
    ...scheduledChangeOf(subscription),
    stripeUpdatedAt: new Date(eventCreated * 1000),
    sourceEventSeq: entry.seq,
    stripeCreatedAt: fromUnix(subscription.created),
  };
  // The row lock ON CONFLICT takes makes the comparison and the write one step across processes.
  await tx
    .insert(subscriptions)
    .values({ id: subscription.id, ...row })
    .onConflictDoUpdate({
      target: subscriptions.id,
      set: { ...row, stripeUpdatedAt: sql`greatest(${subscriptions.stripeUpdatedAt}, excluded.stripe_updated_at)` },
      setWhere: lt(subscriptions.sourceEventSeq, entry.seq),
    });
  await recordTrialGrant(tx, userId, subscription);
  if (!(LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(subscription.status)) return undefined;
  const hasDuplicates = await flagDuplicateSubscriptions(tx, userId);
  return hasDuplicates ? { resolveDuplicatesOf: userId } : undefined;
}

/** Our user for a Stripe customer; the metadata we set at checkout covers a customer not linked yet. */
async function findUserId(tx: Transaction, customerId: string, metadataUserId: string | undefined) {
  const [byCustomer] = await tx.select({ id: users.id }).from(users).where(eq(users.stripeCustomerId, customerId));
  if (byCustomer) return byCustomer.id;
  if (!isUserId(metadataUserId)) return null;
  const [byMetadata] = await tx.select({ id: users.id }).from(users).where(eq(users.id, metadataUserId));
  return byMetadata?.id ?? null;
}

/**
 * Brings our row up to date right after one of our own calls changed the subscription, so the
 * caller sees the change at once rather than when its webhooks arrive. The read takes a ledger
 * `seq` before it starts, so it orders with webhook reads by the same rule: a read made for a
 * later `seq` is never replaced by this one, and this one replaces any made for an earlier `seq`.
 */
export async function refreshSubscription(
  services: Pick<AppServices, 'db' | 'stripe' | 'now'>,
  subscriptionId: string,
): Promise<void> {
  const seq = await nextLedgerSeq(services.db);
  const subscription = await readSubscription(services, subscriptionId).catch((error: unknown) => {
    throw error instanceof IgnoredEvent ? toBillingError(error) : error;
  });
  const readAt = Math.floor(services.now().getTime() / 1000);
  await services.db.transaction((tx) => storeSubscription(tx, subscription, { seq }, readAt));
}

/**
 * A number from the webhook ledger's sequence for a read of Stripe made outside a webhook. Taken
 * before the read starts, as a webhook's ledger entry is taken when the event arrives.
 */
export async function nextLedgerSeq(db: Database): Promise<number> {
  const result = (await db.execute(
    sql`select nextval(pg_get_serial_sequence('stripe_events', 'seq')) as seq`,
  )) as unknown;
  // node-postgres and PGlite shape the result differently.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { seq: unknown }[];
  const row = rows[0];
  if (!row) throw new Error('the ledger sequence returned nothing');
  return Number(row.seq);
}
