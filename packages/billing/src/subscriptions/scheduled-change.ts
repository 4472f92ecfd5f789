import type Stripe from 'stripe';

/** Schedule statuses in which the schedule still manages the subscription. */
const MANAGING_STATUSES: readonly string[] = ['not_started', 'active'];

/** What our row keeps of a subscription's schedule: its id, and the price change it holds, if any. */
export interface ScheduledChange {
  scheduleId: string | null;
  pendingPriceId: string | null;
  pendingChangeAt: Date | null;
}

/**
 * The plan change a schedule will make: the first phase after the current one whose price differs
 * from the subscription's. Reads the expanded `schedule`; an id alone (not expanded) counts as none.
 */
export function scheduledChangeOf(subscription: Stripe.Subscription): ScheduledChange {
  const none = { scheduleId: null, pendingPriceId: null, pendingChangeAt: null };
  const schedule = subscription.schedule;
  if (!schedule || typeof schedule === 'string' || !MANAGING_STATUSES.includes(schedule.status)) return none;
  const currentPrice = subscription.items.data[0]?.price.id;
  const currentEnd = schedule.current_phase?.end_date ?? 0;
  const next = schedule.phases.find((phase) => phase.start_date >= currentEnd);
  const nextPrice = next?.items[0]?.price;
  const nextPriceId = nextPrice === undefined ? null : typeof nextPrice === 'string' ? nextPrice : nextPrice.id;
  if (!next || !nextPriceId || nextPriceId === currentPrice) return { ...none, scheduleId: schedule.id };
  return { scheduleId: schedule.id, pendingPriceId: nextPriceId, pendingChangeAt: new Date(next.start_date * 1000) };
}
