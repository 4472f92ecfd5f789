import { idOf } from '../../stripe/ids';
import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';

/**
 * A renewal was paid or failed: the subscription's status and period moved with it. Invoices for
 * one-off charges have no subscription and change nothing here.
 */
export const invoiceSettled: EventHandler<EventOf<'invoice.paid' | 'invoice.payment_failed'>> = async (
  services,
  event,
) => {
  const subscription = event.data.object.parent?.subscription_details?.subscription;
  if (!subscription) return undefined;
  return syncSubscription(services, idOf(subscription), event.created);
};
