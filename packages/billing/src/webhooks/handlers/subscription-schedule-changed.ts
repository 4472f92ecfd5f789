import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';
import { IgnoredEvent } from '../ignored-event';
import { subscriptionOf } from '../subjects';

type ScheduleEventType =
  | 'subscription_schedule.created'
  | 'subscription_schedule.updated'
  | 'subscription_schedule.released'
  | 'subscription_schedule.canceled'
  | 'subscription_schedule.completed'
  | 'subscription_schedule.aborted';

/**
 * A schedule holds a pending plan change: re-read the subscription it manages (or, once released,
 * managed), whose read carries the schedule expanded.
 */
export const subscriptionScheduleChanged: EventHandler<EventOf<ScheduleEventType>> = (services, event) => {
  const subscription = subscriptionOf(event);
  if (!subscription) throw new IgnoredEvent(`Schedule ${event.data.object.id} names no subscription`);
  return syncSubscription(services, subscription, event.created);
};
