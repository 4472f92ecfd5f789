import { completedCheckoutWrite } from '../../checkout/complete-checkout';
import type { EventHandler, EventOf } from '../handler';

/** Payment went through: the same write as the app's sync on the way back from checkout. */
export const checkoutSessionCompleted: EventHandler<EventOf<'checkout.session.completed'>> = (services, event) =>
  completedCheckoutWrite(services, event.data.object, event.created);
