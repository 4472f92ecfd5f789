import type Stripe from 'stripe';
import { idOf } from '../stripe/ids';

/**
 * The subscription an event is news about, when applying it means reading that subscription:
 * subscription events, a settled renewal invoice, a schedule. Null for any other event, and for an
 * invoice of a one-off charge (no subscription) or a schedule that names none.
 */
export function subscriptionOf(event: Stripe.Event): string | null {
  switch (event.type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed':
    case 'customer.subscription.trial_will_end':
      return event.data.object.id;
    case 'invoice.paid':
    case 'invoice.payment_failed':
    case 'invoice.payment_action_required': {
      const subscription = event.data.object.parent?.subscription_details?.subscription;
      return subscription ? idOf(subscription) : null;
    }
    case 'subscription_schedule.created':
    case 'subscription_schedule.updated':
    case 'subscription_schedule.released':
    case 'subscription_schedule.canceled':
    case 'subscription_schedule.completed':
    case 'subscription_schedule.aborted':
      return scheduleSubscription(event);
    default:
      return null;
  }
}

function scheduleSubscription(event: Stripe.Event & { data: { object: Stripe.SubscriptionSchedule } }) {
  const schedule = event.data.object;
  const subscription = schedule.subscription ?? schedule.released_subscription;
  return subscription ? idOf(subscription) : null;
}

/**
 * What the ledger files an event under: its subscription, else the checkout session it concerns.
 * The drain takes all pending events of one subject together, so one process handles them and a
 * subscription's events share one read of Stripe.
 */
export function subjectOf(event: Stripe.Event): string | null {
  if (event.type === 'checkout.session.completed' || event.type === 'checkout.session.expired') {
    return event.data.object.id;
  }
  return subscriptionOf(event);
}

/**
 * Subscription statuses Stripe never leaves. `canceled`: "a terminal state that can't be updated"
 * (https://docs.stripe.com/billing/subscriptions/overview#subscription-statuses); `incomplete_expired`:
 * "a terminal status, the open invoice will be voided and no further invoices will be generated"
 * (the OpenAPI spec, `subscription.status`).
 */
const TERMINAL_STATUSES: readonly string[] = ['canceled', 'incomplete_expired'];

/**
 * The subscription an event's own payload shows in a terminal status, or null. Such a snapshot is
 * as new as any read could be: every later state of that subscription has the same status, so it
 * is stored without asking Stripe (`customer.subscription.deleted` always carries one, and an
 * update sent at the moment of cancellation may too).
 */
export function terminalSubscriptionIn(event: Stripe.Event): Stripe.Subscription | null {
  if (!event.type.startsWith('customer.subscription.')) return null;
  const subscription = event.data.object as Stripe.Subscription;
  return TERMINAL_STATUSES.includes(subscription.status) ? subscription : null;
}
