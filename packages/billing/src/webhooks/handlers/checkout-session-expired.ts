import type { EventHandler, EventOf } from '../handler';

/**
 * Nothing to undo: creating a checkout reserves nothing on our side (the customer it may have
 * created stays linked and is reused). Handling it explicitly records that it was understood.
 */
export const checkoutSessionExpired: EventHandler<EventOf<'checkout.session.expired'>> = async () => undefined;
