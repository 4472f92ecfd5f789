import type { AppServices, RequestLogger } from '@subkit/core';
import {
  type Database,
  type DuplicateSubscription,
  duplicateSubscriptions,
  LIVE_SUBSCRIPTION_STATUSES,
  subscriptions,
  type Transaction,
} from '@subkit/db';
import { and, asc, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { toBillingError } from '../stripe/errors';

/** Where billing reports what an operator must know; the server hands in its request logger. */
export type BillingLogger = RequestLogger;

/**
 * Inside the ledger transaction that stored one of `userId`'s subscriptions: if the user now has
 * more than one live subscription, every one but the oldest is recorded as a duplicate to cancel.
 * Oldest by Stripe's `created`, which counts whole seconds; within one second, the one we stored
 * first. A per-user lock makes two deliveries racing in two processes take
 * turns, so the second one sees the first one's subscription. Returns whether the user has
 * duplicates still to cancel.
 */
export async function flagDuplicateSubscriptions(tx: Transaction, userId: string): Promise<boolean> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`user-subscriptions:${userId}`}))`);
  const flagged = tx
    .select({ id: duplicateSubscriptions.subscriptionId })
    .from(duplicateSubscriptions)
    .where(eq(duplicateSubscriptions.userId, userId));
  const live = await tx
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
        notInArray(subscriptions.id, flagged),
      ),
    )
    .orderBy(
      sql`${subscriptions.stripeCreatedAt} asc nulls first`,
      asc(subscriptions.createdAt),
      asc(subscriptions.id),
    );
  const [kept, ...extra] = live;
  if (kept && extra.length > 0) {
    await tx
      .insert(duplicateSubscriptions)
      .values(extra.map(({ id }) => ({ subscriptionId: id, userId, keptSubscriptionId: kept.id })))
      .onConflictDoNothing();
  }
  const [pending] = await tx
    .select({ id: duplicateSubscriptions.subscriptionId })
    .from(duplicateSubscriptions)
    .where(and(eq(duplicateSubscriptions.userId, userId), isNull(duplicateSubscriptions.resolvedAt)))
    .limit(1);
  return pending !== undefined;
}

export interface ResolveServices extends Pick<AppServices, 'stripe'> {
  db: Database;
  log: BillingLogger;
}

/**
 * Cancels each recorded duplicate still pending (all of them, or `userId`'s) at Stripe and credits
 * what its paid invoices charged, then marks it resolved. Runs after the ledger transaction, with
 * no connection held across the Stripe calls. Every step can be repeated: a cancel that finds the
 * subscription already canceled is done, and credit notes already issued for an invoice are
 * counted before issuing more (under one Idempotency-Key per invoice), so two processes resolving
 * the same row, or a retry after a crash, credit it once.
 *
 * Why a credit to the customer balance rather than a card refund: the person keeps their older
 * subscription, and Stripe applies the balance to its next invoices automatically; it works for
 * every payment method, costs no refund fees, and the credit note is a document on the duplicate
 * invoice that both the customer and an operator can see.
 */
export async function resolveDuplicateSubscriptions(services: ResolveServices, userId?: string): Promise<void> {
  const pending = await services.db
    .select()
    .from(duplicateSubscriptions)
    .where(
      and(
        isNull(duplicateSubscriptions.resolvedAt),
        userId === undefined ? undefined : eq(duplicateSubscriptions.userId, userId),
      ),
    );
  for (const duplicate of pending) await resolveDuplicate(services, duplicate);
}

async function resolveDuplicate({ db, stripe, log }: ResolveServices, duplicate: DuplicateSubscription) {
  const details = {
    userId: duplicate.userId,
    subscriptionId: duplicate.subscriptionId,
    keptSubscriptionId: duplicate.keptSubscriptionId,
  };
  try {
    await cancelSubscription(stripe, duplicate.subscriptionId);
    const credit = await creditPaidInvoices(stripe, duplicate.subscriptionId);
    const [resolved] = await db
      .update(duplicateSubscriptions)
      .set({ ...credit, resolvedAt: sql`now()` })
      .where(
        and(
          eq(duplicateSubscriptions.subscriptionId, duplicate.subscriptionId),
          isNull(duplicateSubscriptions.resolvedAt),
        ),
      )
      .returning({ id: duplicateSubscriptions.subscriptionId });
    if (resolved) {
      log.warn(
        { ...details, ...credit },
        'a user had a second live subscription: canceled it and credited its payment to their balance',
      );
    }
  } catch (error) {
    log.error({ ...details, err: error }, 'could not cancel and credit a second live subscription; will retry');
    throw toBillingError(error);
  }
}

async function cancelSubscription(stripe: Stripe, subscriptionId: string): Promise<void> {
  try {
    await stripe.subscriptions.cancel(subscriptionId);
  } catch (error) {
    // Already canceled (by another process, or by hand): Stripe refuses a second cancel with a 400.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    if (subscription.status !== 'canceled') throw error;
  }
}

/**
 * Credits the customer balance with everything the subscription's paid invoices charged and no
 * credit note has given back yet (Stripe: a post-payment credit note with `credit_amount`).
 */
async function creditPaidInvoices(stripe: Stripe, subscriptionId: string) {
  const invoices = await stripe.invoices.list({ subscription: subscriptionId, status: 'paid', limit: 100 });
  const creditNoteIds: string[] = [];
  let creditedAmount = 0;
  let currency: string | null = null;
  for (const invoice of invoices.data) {
    const issued = await stripe.creditNotes.list({ invoice: invoice.id, limit: 100 });
    const notes = issued.data.filter((note) => note.status === 'issued');
    const alreadyCredited = notes.reduce((sum, note) => sum + note.total, 0);
    const remaining = invoice.amount_paid - alreadyCredited;
    if (remaining > 0) {
      const note = await stripe.creditNotes.create(
        {
          invoice: invoice.id,
          amount: remaining,
          credit_amount: remaining,
          reason: 'duplicate',
          memo: 'A second subscription was started while another was active; it was canceled.',
        },
        { idempotencyKey: `subkit-duplicate-credit-${invoice.id}-${alreadyCredited}` },
      );
      notes.push(note);
    }
    creditNoteIds.push(...notes.map((note) => note.id));
    creditedAmount += notes.reduce((sum, note) => sum + note.total, 0);
    currency = invoice.currency;
  }
  return { creditNoteIds, creditedAmount, currency };
}
