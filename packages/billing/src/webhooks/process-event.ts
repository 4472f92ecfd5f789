import { type Database, errorChain, stripeEvents } from '@subkit/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { type BillingLogger, resolveDuplicateSubscriptions } from '../subscriptions/duplicate-subscriptions';
import type { AfterCommit, ApplyEvent, EventHandler, EventOf, WebhookServices } from './handler';
import { catalogChanged } from './handlers/catalog-changed';
import { checkoutSessionCompleted } from './handlers/checkout-session-completed';
import { checkoutSessionExpired } from './handlers/checkout-session-expired';
import { invoiceSettled } from './handlers/invoice-settled';
import { subscriptionChanged } from './handlers/subscription-changed';
import { subscriptionScheduleChanged } from './handlers/subscription-schedule-changed';
import { IgnoredEvent } from './ignored-event';

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

/** What an event means to us, worked out before any transaction: a write to make, or why there is none. */
type Effect = { outcome: 'applied'; apply: ApplyEvent | undefined } | { outcome: 'ignored'; reason: string };

/**
 * Applies a verified Stripe event exactly once, even when Stripe delivers it twice at the same
 * moment to two server processes. The ledger row is created if missing; an event already
 * processed is a duplicate. Otherwise the handler reads Stripe with no connection held, then one
 * transaction locks the ledger row, checks again that no other delivery got there first, writes
 * the effect and marks the event processed, with its outcome (and, if ignored, why). A failure
 * rolls the write back, records why, and rethrows so the endpoint answers non-2xx and Stripe retries.
 *
 * A write that found a second live subscription leaves its cancellation (Stripe calls) for after
 * the commit. Should that fail, the endpoint answers non-2xx; Stripe's redelivery is a duplicate
 * in the ledger, and a duplicate retries every cancellation still pending.
 */
export async function processStripeEvent(deps: WebhookDeps, event: Stripe.Event): Promise<EventOutcome> {
  const { db } = deps;
  const entry = await ledgerEntry(db, event);
  if (entry.processedAt) {
    await resolveDuplicateSubscriptions(deps);
    return 'duplicate';
  }
  let afterCommit: AfterCommit | undefined;
  let outcome: EventOutcome;
  try {
    const effect = await effectOf(deps, event);
    outcome = await db.transaction(async (tx) => {
      const [ledger] = await tx
        .select({ processedAt: stripeEvents.processedAt })
        .from(stripeEvents)
        .where(eq(stripeEvents.id, event.id))
        .for('update');
      if (ledger?.processedAt) return 'duplicate';
      if (effect.outcome === 'applied') afterCommit = await effect.apply?.(tx, entry);
      await tx
        .update(stripeEvents)
        .set({
          processedAt: sql`now()`,
          error: null,
          attempts: sql`${stripeEvents.attempts} + 1`,
          outcome: effect.outcome,
          reason: effect.outcome === 'ignored' ? effect.reason.slice(0, 1000) : null,
        })
        .where(eq(stripeEvents.id, event.id));
      return effect.outcome;
    });
  } catch (error) {
    const [failed] = await db
      .update(stripeEvents)
      .set({
        error: rootCauseMessage(error).slice(0, 1000),
        attempts: sql`${stripeEvents.attempts} + 1`,
      })
      .where(and(eq(stripeEvents.id, event.id), isNull(stripeEvents.processedAt)))
      .returning({ id: stripeEvents.id });
    // Another delivery applied the event while this one was failing: nothing is lost, no retry is needed.
    if (!failed) return 'duplicate';
    throw error;
  }
  if (afterCommit) await resolveDuplicateSubscriptions(deps, afterCommit.resolveDuplicatesOf);
  return outcome;
}

async function effectOf(deps: WebhookDeps, event: Stripe.Event): Promise<Effect> {
  const handler = handlers[event.type] as EventHandler | undefined;
  if (!handler) return { outcome: 'ignored', reason: `Subkit does not act on ${event.type} events` };
  try {
    return { outcome: 'applied', apply: await handler(deps, event) };
  } catch (error) {
    if (error instanceof IgnoredEvent) return { outcome: 'ignored', reason: error.message };
    throw error;
  }
}

/** The event's ledger row, created on first receipt; a redelivery reads the existing one. */
async function ledgerEntry(db: Database, event: Stripe.Event) {
  const columns = { seq: stripeEvents.seq, processedAt: stripeEvents.processedAt };
  const [created] = await db
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type })
    .onConflictDoNothing()
    .returning(columns);
  if (created) return created;
  const [existing] = await db.select(columns).from(stripeEvents).where(eq(stripeEvents.id, event.id));
  if (!existing) throw new Error(`ledger row for ${event.id} vanished`);
  return existing;
}

/** Drizzle wraps driver errors in one that quotes the whole query; the ledger keeps the reason. */
function rootCauseMessage(error: unknown): string {
  const root = [...errorChain(error)].at(-1);
  return root ? root.message : String(error);
}
