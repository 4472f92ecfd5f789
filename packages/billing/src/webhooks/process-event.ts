import { type Database, errorChain, stripeEvents } from '@subkit/db';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { BillingLogger } from '../subscriptions/duplicate-subscriptions';
import type { AfterCommit, ApplyEvent, EventHandler, EventOf, LedgerEntry, WebhookServices } from './handler';
import { catalogChanged } from './handlers/catalog-changed';
import { checkoutSessionCompleted } from './handlers/checkout-session-completed';
import { checkoutSessionExpired } from './handlers/checkout-session-expired';
import { invoiceSettled } from './handlers/invoice-settled';
import { subscriptionChanged } from './handlers/subscription-changed';
import { subscriptionScheduleChanged } from './handlers/subscription-schedule-changed';
import { IgnoredEvent } from './ignored-event';
import { subjectOf } from './subjects';

type HandlerTable = { [T in Stripe.Event['type']]?: EventHandler<EventOf<T>> };

/** The one dispatcher: event type → the module that applies it. Types not listed are recorded and ignored. */
const handlers: HandlerTable = {
  'checkout.session.completed': checkoutSessionCompleted,
  'checkout.session.expired': checkoutSessionExpired,
  'customer.subscription.created': subscriptionChanged,
  'customer.subscription.updated': subscriptionChanged,
  'customer.subscription.deleted': subscriptionChanged,
  'customer.subscription.paused': subscriptionChanged,
  'customer.subscription.resumed': subscriptionChanged,
  'customer.subscription.trial_will_end': subscriptionChanged,
  'subscription_schedule.created': subscriptionScheduleChanged,
  'subscription_schedule.updated': subscriptionScheduleChanged,
  'subscription_schedule.released': subscriptionScheduleChanged,
  'subscription_schedule.canceled': subscriptionScheduleChanged,
  'subscription_schedule.completed': subscriptionScheduleChanged,
  'subscription_schedule.aborted': subscriptionScheduleChanged,
  'invoice.paid': invoiceSettled,
  'invoice.payment_failed': invoiceSettled,
  'invoice.payment_action_required': invoiceSettled,
  'price.created': catalogChanged,
  'price.updated': catalogChanged,
  'price.deleted': catalogChanged,
  'product.created': catalogChanged,
  'product.updated': catalogChanged,
  'product.deleted': catalogChanged,
};

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

export interface WebhookDeps extends WebhookServices {
  db: Database;
  log: BillingLogger;
}

const MAX_RETRY_DELAY_SECONDS = 3600;

/** What an event means to us, worked out before any transaction: a write to make, or why there is none. */
export type Effect = { outcome: 'applied'; apply: ApplyEvent | undefined } | { outcome: 'ignored'; reason: string };

/**
 * Applies one effect on behalf of the ledger's events `eventIds` (one event, or all the pending
 * events of one subscription that a single read covers), exactly once. The effect is worked out
 * first, reading Stripe with no connection held; then one transaction locks the events still
 * unprocessed (another delivery or process may have got there first: then it is a duplicate),
 * writes the effect and marks them processed with its outcome (and, if ignored, why). A failure
 * rolls the write back, records why and when to retry, and is rethrown; if every event was applied
 * meanwhile by someone else, nothing is lost and it counts as a duplicate.
 *
 * Returns what is left for after the commit: the cancellation of a second live subscription.
 */
export async function applyToLedger(
  db: Database,
  eventIds: string[],
  entry: LedgerEntry,
  effectOfEvents: () => Promise<Effect>,
): Promise<{ outcome: EventOutcome; afterCommit: AfterCommit | undefined }> {
  let afterCommit: AfterCommit | undefined;
  try {
    const effect = await effectOfEvents();
    const outcome = await db.transaction(async (tx): Promise<EventOutcome> => {
      const pending = await tx
        .select({ id: stripeEvents.id })
        .from(stripeEvents)
        .where(and(inArray(stripeEvents.id, eventIds), isNull(stripeEvents.processedAt)))
        .for('update');
      if (pending.length === 0) return 'duplicate';
      if (effect.outcome === 'applied') afterCommit = await effect.apply?.(tx, entry);
      await tx
        .update(stripeEvents)
        .set({
          processedAt: sql`now()`,
          error: null,
          attempts: sql`${stripeEvents.attempts} + 1`,
          // A drain keeps its claim while it runs what is left for after the commit.
          ...(afterCommit ? {} : { claimedUntil: null }),
          outcome: effect.outcome,
          reason: effect.outcome === 'ignored' ? effect.reason.slice(0, 1000) : null,
        })
        .where(
          inArray(
            stripeEvents.id,
            pending.map((row) => row.id),
          ),
        );
      return effect.outcome;
    });
    return { outcome, afterCommit };
  } catch (error) {
    const failed = await recordFailure(db, eventIds, error);
    if (failed === 0) return { outcome: 'duplicate', afterCommit: undefined };
    throw error;
  }
}

/**
 * Records why the events' last attempt failed and when the drain may try them again: 2^attempts
 * seconds later, at most an hour, so a Stripe outage is not hammered and a fixed bug is retried
 * soon. Events applied meanwhile (by another process) are left alone. With `reopen`, events whose
 * effect was committed but whose follow-up failed are made pending again instead. Returns how many
 * events it marked.
 */
export async function recordFailure(
  db: Database,
  eventIds: string[],
  error: unknown,
  { reopen = false }: { reopen?: boolean } = {},
): Promise<number> {
  const failed = await db
    .update(stripeEvents)
    .set({
      error: rootCauseMessage(error).slice(0, 1000),
      attempts: sql`${stripeEvents.attempts} + 1`,
      nextAttemptAt: sql`now() + least(power(2, ${stripeEvents.attempts}), ${MAX_RETRY_DELAY_SECONDS}) * interval '1 second'`,
      claimedUntil: null,
      ...(reopen ? { processedAt: null, outcome: null } : {}),
    })
    .where(
      and(
        inArray(stripeEvents.id, eventIds),
        reopen ? isNotNull(stripeEvents.processedAt) : isNull(stripeEvents.processedAt),
      ),
    )
    .returning({ id: stripeEvents.id });
  return failed.length;
}

export async function effectOf(deps: WebhookServices, event: Stripe.Event): Promise<Effect> {
  const handler = handlers[event.type] as EventHandler | undefined;
  if (!handler) return { outcome: 'ignored', reason: `Subkit does not act on ${event.type} events` };
  return effectOfHandling(() => handler(deps, event));
}

/** A handler's answer as an effect: its write, or (for an `IgnoredEvent`) the reason there is none. */
export async function effectOfHandling(handle: () => Promise<ApplyEvent | undefined>): Promise<Effect> {
  try {
    return { outcome: 'applied', apply: await handle() };
  } catch (error) {
    if (error instanceof IgnoredEvent) return { outcome: 'ignored', reason: error.message };
    throw error;
  }
}

/**
 * What the endpoint does with a verified event: records it in the ledger for the drain, which
 * applies it (in this process or another). `duplicate`: it was already processed.
 */
export async function receiveStripeEvent(db: Database, event: Stripe.Event): Promise<'received' | 'duplicate'> {
  const entry = await ledgerEntry(db, event);
  return entry.processedAt ? 'duplicate' : 'received';
}

/**
 * The event's ledger row, created on first receipt with everything the drain needs to apply it
 * later; a redelivery reads the existing one (and fills in the payload of a row recorded before the
 * ledger kept payloads, so the drain can take it over).
 */
async function ledgerEntry(db: Database, event: Stripe.Event) {
  const columns = { seq: stripeEvents.seq, processedAt: stripeEvents.processedAt };
  const payload = event as unknown as Record<string, unknown>;
  const [created] = await db
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, subject: subjectOf(event), eventCreated: event.created, payload })
    .onConflictDoNothing()
    .returning(columns);
  if (created) return created;
  const [existing] = await db
    .update(stripeEvents)
    .set({ subject: subjectOf(event), eventCreated: event.created, payload })
    .where(and(eq(stripeEvents.id, event.id), isNull(stripeEvents.payload)))
    .returning(columns);
  if (existing) return existing;
  const [recorded] = await db.select(columns).from(stripeEvents).where(eq(stripeEvents.id, event.id));
  if (!recorded) throw new Error(`ledger row for ${event.id} vanished`);
  return recorded;
}

/** Drizzle wraps driver errors in one that quotes the whole query; the ledger keeps the reason. */
function rootCauseMessage(error: unknown): string {
  const root = [...errorChain(error)].at(-1);
  return root ? root.message : String(error);
}
