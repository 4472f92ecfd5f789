import type { AppServices } from '@subkit/core';
import { users } from '@subkit/db';
import { and, eq, isNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import { idOf, isUserId } from '../stripe/ids';
import { syncSubscription } from '../subscriptions/sync-subscription';
import type { ApplyEvent } from '../webhooks/handler';
import { recordCheckoutStatus } from './session-tracking';

/**
 * What a completed checkout session means to us, whoever learnt of it first: its webhook, or the
 * app asking on the way back from checkout. Our checkout links the customer before the session
 * exists, but a session created elsewhere (customer_email) is linked here through
 * client_reference_id, never overwriting a customer the user already has. The subscription is read
 * from Stripe now (no database connection held) and stored in the returned write, `readAt` being
 * the time that read stands for (the event's `created`, or now).
 */
export async function completedCheckoutWrite(
  services: Pick<AppServices, 'stripe'>,
  session: Stripe.Checkout.Session,
  readAt: number,
): Promise<ApplyEvent> {
  if (session.mode !== 'subscription' || !session.subscription) {
    return async (tx) => {
      await recordCheckoutStatus(tx, session.id, 'complete');
      return undefined;
    };
  }
  const storeSubscription = await syncSubscription(services, idOf(session.subscription), readAt);
  const customerId = session.customer ? idOf(session.customer) : null;
  const userId = session.client_reference_id;
  return async (tx, entry) => {
    await recordCheckoutStatus(tx, session.id, 'complete');
    if (customerId && isUserId(userId)) {
      await tx
        .update(users)
        .set({ stripeCustomerId: customerId })
        .where(and(eq(users.id, userId), isNull(users.stripeCustomerId)));
    }
    return storeSubscription(tx, entry);
  };
}
