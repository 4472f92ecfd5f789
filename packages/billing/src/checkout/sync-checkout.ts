import type { AppServices, SessionUser } from '@subkit/core';
import { requestBodyError } from '@subkit/core/request-body';
import { TRPCError } from '@trpc/server';
import type Stripe from 'stripe';
import { z } from 'zod';
import { BILLING_ERROR_CODES } from '../error-codes';
import { isMissingResource, toBillingError } from '../stripe/errors';
import { idOf } from '../stripe/ids';
import { currentSubscription, type SubscriptionSummary } from '../subscriptions/current-subscription';
import { type BillingLogger, resolveDuplicateSubscriptions } from '../subscriptions/duplicate-subscriptions';
import { nextLedgerSeq, refreshSubscription } from '../subscriptions/sync-subscription';
import { IgnoredEvent } from '../webhooks/ignored-event';
import { completedCheckoutWrite } from './complete-checkout';

/** Stripe's checkout session ids (`cs_test_…`, `cs_live_…`); checked before any Stripe call is spent. */
const CHECKOUT_SESSION_ID_PATTERN = /^cs_[A-Za-z0-9_]{1,250}$/;

/** POST /api/billing/checkout/sync and `billing.syncCheckout`. */
export const syncCheckoutInput = z.strictObject(
  {
    sessionId: z
      .string({
        error: (issue) => (issue.input === undefined ? 'sessionId is required' : 'sessionId must be a string'),
      })
      .regex(CHECKOUT_SESSION_ID_PATTERN, 'sessionId must be a Stripe checkout session ID (cs_…)')
      .meta({
        description: 'The checkout session ID Stripe put in the success URL ({CHECKOUT_SESSION_ID})',
        examples: ['cs_test_1234567890abcdef'],
      }),
  },
  { error: requestBodyError },
);

/**
 * On the way back from checkout, the app need not wait for webhooks: the caller's own session is
 * read from Stripe and, once complete, stored through the webhook's write (`completedCheckoutWrite`)
 * under a number from the webhook ledger's sequence, so it orders with webhook reads by their rule
 * and a webhook arriving before, after or twice changes nothing. A second live subscription is
 * flagged in that write and canceled after it, as a webhook would. An open or expired session
 * changes nothing. Answers the subscription as the dashboard shows it.
 */
export async function syncCheckout(
  services: AppServices,
  user: SessionUser,
  sessionId: string,
  log: BillingLogger,
): Promise<SubscriptionSummary> {
  const session = await retrieveOwnSession(services, user, sessionId);
  if (session.status === 'complete') {
    const entry = { seq: await nextLedgerSeq(services.db) };
    const readAt = Math.floor(services.now().getTime() / 1000);
    const write = await completedCheckoutWrite(services, session, readAt).catch((error: unknown) => {
      throw error instanceof IgnoredEvent ? toBillingError(error) : error;
    });
    const afterCommit = await services.db.transaction((tx) => write(tx, entry));
    if (afterCommit && session.subscription) {
      await resolveDuplicateSubscriptions({ ...services, log }, afterCommit.resolveDuplicatesOf);
      // This checkout's subscription is the one canceled when another was live: read back now, the
      // answer need not wait for the cancellation's webhook either.
      await refreshSubscription(services, idOf(session.subscription));
    }
  }
  return currentSubscription(services, user.id);
}

/** Our checkout sets client_reference_id to the user: a session without it as theirs is not theirs. */
async function retrieveOwnSession(
  { stripe }: Pick<AppServices, 'stripe'>,
  user: SessionUser,
  sessionId: string,
): Promise<Stripe.Checkout.Session> {
  const session = await stripe.checkout.sessions.retrieve(sessionId).catch((error: unknown) => {
    if (isMissingResource(error)) throw new TRPCError(BILLING_ERROR_CODES.CHECKOUT_SESSION_NOT_FOUND);
    throw toBillingError(error);
  });
  if (session.client_reference_id !== user.id) throw new TRPCError(BILLING_ERROR_CODES.CHECKOUT_SESSION_NOT_FOUND);
  return session;
}
