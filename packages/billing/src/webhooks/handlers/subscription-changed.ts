import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';

type SubscriptionEventType =
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'customer.subscription.paused'
  | 'customer.subscription.resumed';

/** Every subscription event means the same thing to us: re-read that subscription from Stripe. */
export const subscriptionChanged: EventHandler<EventOf<SubscriptionEventType>> = (services, event) =>
  syncSubscription(services, event.data.object.id, event.created);
