import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';

type SubscriptionEventType =
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'customer.subscription.paused'
  | 'customer.subscription.resumed'
  | 'customer.subscription.trial_will_end';

/**
 * Every subscription event means the same thing to us: re-read that subscription from Stripe.
 * `trial_will_end` too: three days before a trial ends the stored row is brought up to date (a card
 * added since, a changed trial end), so the dashboard says truthfully what happens at the end.
 */
export const subscriptionChanged: EventHandler<EventOf<SubscriptionEventType>> = (services, event) =>
  syncSubscription(services, event.data.object.id, event.created);
