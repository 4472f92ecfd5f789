import { users } from '@subkit/db';
import { and, eq, isNull } from 'drizzle-orm';
import { recordCheckoutStatus } from '../../checkout/session-tracking';
import { idOf, isUserId } from '../../stripe/ids';
import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';

/**
 * Payment went through. Our checkout links the customer before the session exists, but a session
 * created elsewhere (customer_email) is linked here through client_reference_id, never overwriting
 * a customer the user already has.
 */
export const checkoutSessionCompleted: EventHandler<EventOf<'checkout.session.completed'>> = async (
  services,
  event,
) => {
  const session = event.data.object;
  if (session.mode !== 'subscription' || !session.subscription) {
    return async (tx) => {
      await recordCheckoutStatus(tx, session.id, 'complete');
      return undefined;
    };
  }
  const storeSubscription = await syncSubscription(services, idOf(session.subscription), event.created);
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
};
