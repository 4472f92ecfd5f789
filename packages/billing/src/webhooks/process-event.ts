import { type Database, stripeEvents } from '@subkit/db';
import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { EventHandler, EventOf, WebhookServices } from './handler';
import { catalogChanged } from './handlers/catalog-changed';
import { checkoutSessionCompleted } from './handlers/checkout-session-completed';
import { checkoutSessionExpired } from './handlers/checkout-session-expired';
import { invoiceSettled } from './handlers/invoice-settled';
import { subscriptionChanged } from './handlers/subscription-changed';

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
  'invoice.paid': invoiceSettled,
  'invoice.payment_failed': invoiceSettled,
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
}

/**
 * Applies a verified Stripe event exactly once, even when Stripe delivers it twice at the same
 * moment to two server processes: the ledger row is created if missing, then locked for the
 * transaction that applies the event and marks it processed. A delivery that finds it processed
 * is a duplicate. A failure rolls the whole application back, records why, and rethrows so the
 * endpoint answers non-2xx and Stripe retries.
 */
export async function processStripeEvent(deps: WebhookDeps, event: Stripe.Event): Promise<EventOutcome> {
  const { db } = deps;
  await db.insert(stripeEvents).values({ id: event.id, type: event.type }).onConflictDoNothing();
  const handler = handlers[event.type] as EventHandler | undefined;
  try {
    return await db.transaction(async (tx) => {
      const [ledger] = await tx
        .select({ processedAt: stripeEvents.processedAt })
        .from(stripeEvents)
        .where(eq(stripeEvents.id, event.id))
        .for('update');
      if (ledger?.processedAt) return 'duplicate';
      if (handler) await handler(deps, tx, event);
      await tx
        .update(stripeEvents)
        .set({ processedAt: sql`now()`, error: null, attempts: sql`${stripeEvents.attempts} + 1` })
        .where(eq(stripeEvents.id, event.id));
      return handler ? 'applied' : 'ignored';
    });
  } catch (error) {
    await db
      .update(stripeEvents)
      .set({
        error: rootCauseMessage(error).slice(0, 1000),
        attempts: sql`${stripeEvents.attempts} + 1`,
      })
      .where(eq(stripeEvents.id, event.id));
    throw error;
  }
}

/** Drizzle wraps driver errors in one that quotes the whole query; the ledger keeps the reason. */
function rootCauseMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
