import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';
import { subscriptionOf } from '../subjects';

/**
 * A renewal was paid, failed, or needs the customer to authenticate: the subscription's status
 * (active, past_due, incomplete) and period moved with it, so it is read again from Stripe, through
 * the same ordered write as every subscription event. Invoices for one-off charges have no
 * subscription and change nothing here.
 */
export const invoiceSettled: EventHandler<
  EventOf<'invoice.paid' | 'invoice.payment_failed' | 'invoice.payment_action_required'>
> = async (services, event) => {
  const subscription = subscriptionOf(event);
  if (!subscription) return undefined;
  return syncSubscription(services, subscription, event.created);
};
