import { users } from '@subkit/db';
import { and, eq, isNull } from 'drizzle-orm';
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
  tx,
  event,
) => {
  const session = event.data.object;
  if (session.mode !== 'subscription' || !session.subscription) return;
  const customerId = session.customer ? idOf(session.customer) : null;
  if (customerId && isUserId(session.client_reference_id)) {
    await tx
      .update(users)
      .set({ stripeCustomerId: customerId })
      .where(and(eq(users.id, session.client_reference_id), isNull(users.stripeCustomerId)));
  }
  await syncSubscription(services, tx, idOf(session.subscription), event.created);
};
