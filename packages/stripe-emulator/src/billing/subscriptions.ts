import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { AUTOMATIC, changedAttributes, type EventOrigin } from '../events';
import { addInterval, planFromPrice } from '../objects/price';
import { buildSubscriptionItem } from '../objects/subscription';
import { type Metadata, mergeMetadata } from '../params';
import type { Price, Subscription } from '../wire';
import { collectInvoice, draftInvoice } from './invoicing';

/** One entry of `items[]` on update, already resolved against the store. */
export type ItemChange =
  | { kind: 'replace'; itemId: string; price?: Price; quantity?: number }
  | { kind: 'add'; price: Price; quantity: number }
  | { kind: 'delete'; itemId: string };

export interface SubscriptionChanges {
  cancelAtPeriodEnd?: boolean;
  items: ItemChange[];
  metadata?: Metadata | null;
}

/** Statuses in which a subscription still bills and can be changed freely. */
const LIVE_STATUSES: readonly Subscription['status'][] = ['active', 'trialing', 'past_due', 'unpaid'];

export function currentPeriodEnd(subscription: Subscription): number {
  return subscription.items.data[0]?.current_period_end ?? subscription.created;
}

/** Applies one update and emits a single `customer.subscription.updated` with `previous_attributes`. */
export function updateSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  changes: SubscriptionChanges,
  origin: EventOrigin,
): Subscription {
  const touchesBilling = changes.cancelAtPeriodEnd !== undefined || changes.items.length > 0;
  if (subscription.status === 'canceled' && touchesBilling) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  const before = structuredClone(subscription);
  const now = ctx.clock.now();

  if (changes.cancelAtPeriodEnd !== undefined) setCancelAtPeriodEnd(subscription, changes.cancelAtPeriodEnd, now);
  for (const change of changes.items) applyItemChange(subscription, change, now);
  if (subscription.items.data.length === 0) {
    throw invalidRequest(
      'A subscription must have at least one active plan. To cancel it, delete the subscription instead.',
      'items',
    );
  }
  subscription.metadata = mergeMetadata(subscription.metadata, changes.metadata);

  const previous = changedAttributes(before, subscription);
  if (Object.keys(previous).length > 0)
    ctx.events.emit('customer.subscription.updated', subscription, origin, previous);
  return subscription;
}

function setCancelAtPeriodEnd(subscription: Subscription, cancel: boolean, now: number): void {
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? currentPeriodEnd(subscription) : null;
  subscription.canceled_at = cancel ? now : null;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: cancel ? 'cancellation_requested' : null,
  };
}

function applyItemChange(subscription: Subscription, change: ItemChange, now: number): void {
  const items = subscription.items.data;
  switch (change.kind) {
    case 'add': {
      const first = items[0];
      const period = first
        ? { start: first.current_period_start, end: first.current_period_end }
        : { start: now, end: now };
      items.push(buildSubscriptionItem(subscription.id, change.price, change.quantity, period, now));
      return;
    }
    case 'delete':
      subscription.items.data = items.filter((item) => item.id !== change.itemId);
      return;
    case 'replace': {
      const item = items.find((candidate) => candidate.id === change.itemId);
      if (!item) throw new Error(`Item ${change.itemId} was validated but is gone.`);
      if (change.price) {
        item.price = change.price;
        item.plan = planFromPrice(change.price);
      }
      if (change.quantity !== undefined) item.quantity = change.quantity;
    }
  }
}

/** `DELETE /v1/subscriptions/:id`: ends the subscription now. */
export function cancelSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  origin: EventOrigin,
): Subscription {
  if (subscription.status === 'canceled') {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  const now = ctx.clock.now();
  endSubscription(subscription, now, now);
  ctx.events.emit('customer.subscription.deleted', subscription, origin);
  return subscription;
}

function endSubscription(subscription: Subscription, endedAt: number, now: number): void {
  subscription.status = 'canceled';
  subscription.ended_at = endedAt;
  subscription.canceled_at ??= now;
  subscription.cancel_at_period_end = false;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: subscription.cancellation_details?.reason ?? 'cancellation_requested',
  };
}

/** Test helper: the subscription stops billing with status `paused`. */
export function pauseSubscription(ctx: EmulatorContext, subscription: Subscription, origin: EventOrigin): Subscription {
  if (!LIVE_STATUSES.includes(subscription.status)) {
    throw invalidRequest(`A subscription with status "${subscription.status}" cannot be paused.`);
  }
  const before = structuredClone(subscription);
  subscription.status = 'paused';
  ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
  ctx.events.emit('customer.subscription.paused', subscription, origin);
  return subscription;
}

/** `POST /v1/subscriptions/:id/resume`: a paused subscription starts a new, paid period now. */
export function resumeSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  origin: EventOrigin,
): Subscription {
  if (subscription.status !== 'paused') {
    throw invalidRequest(
      `Subscription ${subscription.id} is not paused, so it cannot be resumed. Its status is "${subscription.status}".`,
    );
  }
  const before = structuredClone(subscription);
  const now = ctx.clock.now();
  subscription.status = 'active';
  subscription.billing_cycle_anchor = now;
  startNewPeriod(subscription, now);
  const invoice = draftInvoice(ctx, subscription, 'subscription_update');
  ctx.events.emit('customer.subscription.resumed', subscription, origin);
  ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
  collectInvoice(ctx, invoice, subscription, 'succeeds', origin);
  return subscription;
}

/**
 * Test helper: the payment for the current period fails now. A new open
 * invoice is attempted and fails (`invoice.payment_failed`) and the
 * subscription becomes `past_due` (`customer.subscription.updated`).
 */
export function markPastDue(ctx: EmulatorContext, subscription: Subscription, origin: EventOrigin): Subscription {
  if (!LIVE_STATUSES.includes(subscription.status)) {
    throw invalidRequest(`A subscription with status "${subscription.status}" cannot become past_due.`);
  }
  const before = structuredClone(subscription);
  const invoice = draftInvoice(ctx, subscription, 'subscription_cycle');
  subscription.status = 'past_due';
  collectInvoice(ctx, invoice, subscription, 'fails', origin);
  ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
  return subscription;
}

/**
 * What happens when the clock passes a subscription's period end: it ends if
 * it was set to cancel at period end, otherwise it renews (new period on the
 * items, `customer.subscription.updated`, then the invoice events). Returns
 * whether a new period started, so the caller can repeat for clock jumps
 * spanning several periods.
 */
export function settlePeriodEnd(ctx: EmulatorContext, subscription: Subscription): boolean {
  const now = ctx.clock.now();
  const periodEnd = currentPeriodEnd(subscription);
  if (periodEnd > now || !LIVE_STATUSES.includes(subscription.status)) return false;

  const origin = AUTOMATIC;
  if (subscription.cancel_at_period_end || (subscription.cancel_at !== null && subscription.cancel_at <= periodEnd)) {
    endSubscription(subscription, periodEnd, now);
    ctx.events.emit('customer.subscription.deleted', subscription, origin);
    return false;
  }

  const before = structuredClone(subscription);
  startNewPeriod(subscription, periodEnd);
  const fails = ctx.store.failingRenewals.delete(subscription.id);
  // A trial ends with its first paid period; a successful payment clears past_due.
  subscription.status = fails ? 'past_due' : 'active';
  const invoice = draftInvoice(ctx, subscription, 'subscription_cycle');
  ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
  collectInvoice(ctx, invoice, subscription, fails ? 'fails' : 'succeeds', origin);
  return true;
}

function startNewPeriod(subscription: Subscription, start: number): void {
  for (const item of subscription.items.data) {
    if (!item.price.recurring) continue;
    item.current_period_start = start;
    item.current_period_end = addInterval(start, item.price.recurring);
  }
  if (subscription.cancel_at_period_end) subscription.cancel_at = currentPeriodEnd(subscription);
}
