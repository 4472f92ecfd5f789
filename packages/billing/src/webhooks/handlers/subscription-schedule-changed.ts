import { idOf } from '../../stripe/ids';
import { syncSubscription } from '../../subscriptions/sync-subscription';
import type { EventHandler, EventOf } from '../handler';
import { IgnoredEvent } from '../ignored-event';

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
  const schedule = event.data.object;
  const subscription = schedule.subscription ?? schedule.released_subscription;
  if (!subscription) throw new IgnoredEvent(`Schedule ${schedule.id} names no subscription`);
  return syncSubscription(services, idOf(subscription), event.created);
};
