import { recordCheckoutStatus } from '../../checkout/session-tracking';
import type { EventHandler, EventOf } from '../handler';

/**
 * A session timed out or a newer checkout expired it. Its customer stays linked and is reused;
 * the session's row only records that it can no longer be paid.
 */
export const checkoutSessionExpired: EventHandler<EventOf<'checkout.session.expired'>> = async (_services, event) => {
  const sessionId = event.data.object.id;
  return async (tx) => {
    await recordCheckoutStatus(tx, sessionId, 'expired');
    return undefined;
  };
};
