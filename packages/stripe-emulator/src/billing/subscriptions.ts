import type { EmulatorContext } from '../context';
import { cardDeclined, invalidRequest } from '../errors';
import { AUTOMATIC, changedAttributes, type EventOrigin } from '../events';
import { type LineSpec, periodLine } from '../objects/invoice';
import { addInterval } from '../objects/price';
import { buildSubscriptionItem } from '../objects/subscription';
import { type Metadata, mergeMetadata } from '../params';
import type { Price, Subscription, SubscriptionItem } from '../wire';
import { cardDeclines, collectInvoice, customerOf, draftInvoice } from './invoicing';
import { type ProrationBehavior, planItemChanges, unusedTimeCredit } from './prorations';
import { enterScheduledPhase } from './schedules';

const idOf = (value: string | { id: string }) => (typeof value === 'string' ? value : value.id);

/** One entry of `items[]` on update, already resolved against the store. */
export type ItemChange =
  | { kind: 'replace'; itemId: string; price?: Price; quantity?: number }
  | { kind: 'add'; price: Price; quantity: number }
  | { kind: 'delete'; itemId: string };

/** `payment_behavior` on subscription updates (https://docs.stripe.com/billing/subscriptions/pending-updates). */
export type PaymentBehavior =
  | 'allow_incomplete'
  | 'default_incomplete'
  | 'error_if_incomplete'
  | 'pending_if_incomplete';
export const PAYMENT_BEHAVIORS: readonly PaymentBehavior[] = [
  'allow_incomplete',
  'default_incomplete',
  'error_if_incomplete',
  'pending_if_incomplete',
];

export interface SubscriptionChanges {
  cancelAtPeriodEnd?: boolean;
  /** `cancel_at`: when the subscription ends; `null` (`cancel_at=""`) clears a scheduled end. */
  cancelAt?: number | null;
  items: ItemChange[];
  metadata?: Metadata | null;
  prorationBehavior?: ProrationBehavior;
  /** When the proration is computed from; default now. */
  prorationDate?: number;
  paymentBehavior?: PaymentBehavior;
}

/** Statuses in which a subscription still bills and can be changed freely. */
const LIVE_STATUSES: readonly Subscription['status'][] = ['active', 'trialing', 'past_due', 'unpaid'];

/** Stripe keeps a pending update for 23 hours before discarding it. */
const PENDING_UPDATE_LIFETIME_SECONDS = 23 * 60 * 60;

export function currentPeriodEnd(subscription: Subscription): number {
  return subscription.items.data[0]?.current_period_end ?? subscription.created;
}

/**
 * Applies one update and emits a single `customer.subscription.updated` with `previous_attributes`.
 * A price or quantity change is prorated by `proration_behavior`; when that (or a new billing
 * interval) invoices at once, the invoice events follow. Under `pending_if_incomplete` a failed
 * payment leaves the items as they were and records the change in `pending_update` instead.
 */
export function updateSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  changes: SubscriptionChanges,
  origin: EventOrigin,
): Subscription {
  const changesCancellation = changes.cancelAtPeriodEnd !== undefined || changes.cancelAt !== undefined;
  const touchesBilling = changesCancellation || changes.items.length > 0;
  if (subscription.status === 'canceled' && touchesBilling) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  if (subscription.schedule && changesCancellation) {
    throw invalidRequest(
      `The subscription is managed by the subscription schedule \`${idOf(subscription.schedule)}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
    );
  }
  const paymentBehavior = changes.paymentBehavior ?? 'allow_incomplete';
  if (paymentBehavior === 'pending_if_incomplete' && (changes.metadata !== undefined || changesCancellation)) {
    throw invalidRequest(
      'When `payment_behavior` is `pending_if_incomplete`, you can only update `items`, `proration_behavior`, `proration_date`, `billing_cycle_anchor`, `trial_end`, `trial_from_plan` and `expand`.',
      'payment_behavior',
    );
  }
  const before = structuredClone(subscription);
  const now = ctx.clock.now();
  const behavior = changes.prorationBehavior ?? 'create_prorations';
  const plan = planItemChanges(
    ctx,
    subscription,
    changes.items.filter((change) => change.kind !== 'add'),
    changes.prorationDate ?? now,
    behavior,
  );
  if (changes.cancelAt != null) plan.prorations.push(...cancelAtCredit(ctx, subscription, changes.cancelAt, behavior));
  for (const change of changes.items) {
    if (change.kind !== 'add') continue;
    const first = plan.items[0];
    const period = first
      ? { start: first.current_period_start, end: first.current_period_end }
      : { start: now, end: now };
    plan.items.push(buildSubscriptionItem(subscription.id, change.price, change.quantity, period, now));
  }
  if (plan.items.length === 0) {
    throw invalidRequest(
      'A subscription must have at least one active plan. To cancel it, delete the subscription instead.',
      'items',
    );
  }

  const pending = ctx.store.pendingProrations.get(subscription.id) ?? [];
  const invoicesNow = plan.resetsCycle || (behavior === 'always_invoice' && plan.prorations.length > 0);
  if (!invoicesNow) {
    subscription.items.data = plan.items;
    if (behavior === 'create_prorations' && plan.prorations.length > 0) {
      ctx.store.pendingProrations.set(subscription.id, [...pending, ...plan.prorations]);
    }
    applyOtherChanges(subscription, changes, now);
    emitUpdated(ctx, before, subscription, origin);
    return subscription;
  }

  const fails = ctx.store.failingPayments.delete(subscription.id) || cardDeclines(ctx, subscription);
  if (fails && paymentBehavior === 'error_if_incomplete') throw cardDeclined();
  // `always_invoice` sweeps prorations still waiting for the next invoice into this one.
  const lines = [...pending, ...plan.prorations, ...plan.newPeriodLines];
  const invoice = draftInvoice(ctx, subscription, 'subscription_update', { lines, period: { start: now, end: now } });
  if (fails && paymentBehavior === 'pending_if_incomplete') {
    subscription.pending_update = {
      billing_cycle_anchor: plan.resetsCycle ? now : null,
      cancel_at_period_end: null,
      discount: null,
      discounts: null,
      expires_at: now + PENDING_UPDATE_LIFETIME_SECONDS,
      metadata: null,
      subscription_items: plan.items,
      trial_end: null,
      trial_from_plan: null,
    };
    collectInvoice(ctx, invoice, subscription, 'fails', origin);
    emitUpdated(ctx, before, subscription, origin);
    return subscription;
  }

  ctx.store.pendingProrations.delete(subscription.id);
  subscription.items.data = plan.items;
  if (plan.resetsCycle) subscription.billing_cycle_anchor = now;
  applyOtherChanges(subscription, changes, now);
  if (fails) subscription.status = 'past_due';
  emitUpdated(ctx, before, subscription, origin);
  collectInvoice(ctx, invoice, subscription, fails ? 'fails' : 'succeeds', origin);
  return subscription;
}

function applyOtherChanges(subscription: Subscription, changes: SubscriptionChanges, now: number): void {
  if (changes.cancelAtPeriodEnd !== undefined) setCancelAtPeriodEnd(subscription, changes.cancelAtPeriodEnd, now);
  if (changes.cancelAt !== undefined) setCancelAt(subscription, changes.cancelAt, now);
  subscription.metadata = mergeMetadata(subscription.metadata, changes.metadata);
}

/**
 * `POST /v1/subscription_items/:id` with `metadata`: the item is part of the subscription, so the
 * change reaches apps as `customer.subscription.updated`, its items in `previous_attributes`.
 */
export function updateItemMetadata(
  ctx: EmulatorContext,
  subscription: Subscription,
  item: SubscriptionItem,
  metadata: Metadata | null | undefined,
  origin: EventOrigin,
): SubscriptionItem {
  const before = structuredClone(subscription);
  item.metadata = mergeMetadata(item.metadata, metadata);
  emitUpdated(ctx, before, subscription, origin);
  return item;
}

function emitUpdated(ctx: EmulatorContext, before: Subscription, subscription: Subscription, origin: EventOrigin) {
  const previous = changedAttributes(before, subscription);
  if (Object.keys(previous).length > 0)
    ctx.events.emit('customer.subscription.updated', subscription, origin, previous);
}

/** A pending update nobody paid for within its lifetime is discarded, as Stripe does. */
export function expirePendingUpdate(ctx: EmulatorContext, subscription: Subscription): void {
  const pending = subscription.pending_update;
  if (!pending || pending.expires_at > ctx.clock.now()) return;
  const before = structuredClone(subscription);
  subscription.pending_update = null;
  emitUpdated(ctx, before, subscription, AUTOMATIC);
}

function setCancelAtPeriodEnd(subscription: Subscription, cancel: boolean, now: number): void {
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? currentPeriodEnd(subscription) : null;
  recordCancellationRequest(subscription, cancel, now);
}

/**
 * A dated cancellation: `cancel_at` alone, `cancel_at_period_end` false; `null` clears any scheduled
 * end, whichever parameter set it (https://docs.stripe.com/api/subscriptions/update#update_subscription-cancel_at).
 */
function setCancelAt(subscription: Subscription, cancelAt: number | null, now: number): void {
  subscription.cancel_at_period_end = false;
  subscription.cancel_at = cancelAt;
  recordCancellationRequest(subscription, cancelAt !== null, now);
}

function recordCancellationRequest(subscription: Subscription, requested: boolean, now: number): void {
  subscription.canceled_at = requested ? now : null;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: requested ? 'cancellation_requested' : null,
  };
}

/**
 * Stripe: "If set to a date before the current period ends, this will cause a proration if
 * prorations have been enabled using `proration_behavior`" (stripe-node `SubscriptionUpdateParams.cancel_at`):
 * the time from `cancel_at` to the period end, already paid, is credited.
 */
function cancelAtCredit(
  ctx: EmulatorContext,
  subscription: Subscription,
  cancelAt: number,
  behavior: ProrationBehavior,
): LineSpec[] {
  if (behavior === 'none' || subscription.status === 'trialing') return [];
  return subscription.items.data.flatMap((item) =>
    cancelAt < item.current_period_end ? [unusedTimeCredit(ctx, subscription, item, cancelAt)] : [],
  );
}

/** The latest period end among the items: where flexible billing puts an end-of-period cancellation. */
export function latestPeriodEnd(subscription: Subscription): number {
  return Math.max(...subscription.items.data.map((item) => item.current_period_end), subscription.created);
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

export function endSubscription(
  subscription: Subscription,
  endedAt: number,
  now: number,
  reason: 'cancellation_requested' | 'payment_failed' = 'cancellation_requested',
): void {
  subscription.status = 'canceled';
  subscription.ended_at = endedAt;
  subscription.canceled_at ??= now;
  subscription.cancel_at_period_end = false;
  subscription.cancellation_details = {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: subscription.cancellation_details?.reason ?? reason,
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
 * What happens when the clock passes a subscription's `cancel_at` or its period end. At `cancel_at`
 * (which may fall inside a period) it ends. At the period end it ends if it was set to cancel at
 * period end, otherwise it renews (new period on the items, `customer.subscription.updated`, then
 * the invoice events). Returns whether a new period started, so the caller can repeat for clock
 * jumps spanning several periods.
 */
export function settlePeriodEnd(ctx: EmulatorContext, subscription: Subscription): boolean {
  const now = ctx.clock.now();
  const periodEnd = currentPeriodEnd(subscription);
  if (!LIVE_STATUSES.includes(subscription.status)) return false;
  const origin = AUTOMATIC;
  const cancelAt = subscription.cancel_at;
  if (cancelAt !== null && cancelAt <= now && cancelAt <= periodEnd) {
    endSubscription(subscription, cancelAt, now);
    ctx.events.emit('customer.subscription.deleted', subscription, origin);
    return false;
  }
  if (periodEnd > now) return false;
  if (endsTrialWithoutPaymentMethod(ctx, subscription, periodEnd, now)) return false;

  const before = structuredClone(subscription);
  const scheduleEndsIt = enterScheduledPhase(ctx, subscription, periodEnd);
  if (scheduleEndsIt || subscription.cancel_at_period_end) {
    endSubscription(subscription, periodEnd, now);
    ctx.events.emit('customer.subscription.deleted', subscription, origin);
    return false;
  }

  startNewPeriod(subscription, periodEnd);
  const failsRenewal = ctx.store.failingRenewals.delete(subscription.id);
  const fails = ctx.store.failingPayments.delete(subscription.id) || failsRenewal || cardDeclines(ctx, subscription);
  // A trial ends with its first paid period; a successful payment clears past_due.
  subscription.status = fails ? 'past_due' : 'active';
  // Prorations left by `create_prorations` changes are billed with the renewal.
  const pending = ctx.store.pendingProrations.get(subscription.id) ?? [];
  ctx.store.pendingProrations.delete(subscription.id);
  const lines = [...pending, ...subscription.items.data.map((item) => periodLine(item, false))];
  const invoice = draftInvoice(ctx, subscription, 'subscription_cycle', { lines });
  ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
  collectInvoice(ctx, invoice, subscription, fails ? 'fails' : 'succeeds', origin);
  return true;
}

/** Stripe sends `customer.subscription.trial_will_end` this long before `trial_end` (or at once for a shorter trial). */
const TRIAL_WILL_END_NOTICE_SECONDS = 3 * 86_400;

/**
 * `customer.subscription.trial_will_end`: "Occurs three days before a subscription's trial period is
 * scheduled to end" (Stripe's event reference), so at once for a trial shorter than that. Sent once
 * per trial end; called when a trial starts and whenever the clock moves.
 */
export function announceTrialEnding(ctx: EmulatorContext, subscription: Subscription, origin: EventOrigin): void {
  const trialEnd = subscription.trial_end;
  if (subscription.status !== 'trialing' || trialEnd === null) return;
  if (ctx.clock.now() < trialEnd - TRIAL_WILL_END_NOTICE_SECONDS) return;
  if (ctx.store.trialWillEndSent.get(subscription.id) === trialEnd) return;
  ctx.store.trialWillEndSent.set(subscription.id, trialEnd);
  ctx.events.emit('customer.subscription.trial_will_end', subscription, origin);
}

/**
 * A trial reaching its end with no payment method to charge, under `trial_settings.end_behavior.missing_payment_method`
 * (https://docs.stripe.com/billing/subscriptions/trials/free-trials): `cancel` ends the subscription at
 * `trial_end` (`customer.subscription.deleted`, no invoice); `pause` pauses it (`customer.subscription.updated`,
 * `customer.subscription.paused`); `create_invoice` bills as usual. Returns whether the trial ended so.
 */
function endsTrialWithoutPaymentMethod(
  ctx: EmulatorContext,
  subscription: Subscription,
  periodEnd: number,
  now: number,
): boolean {
  if (subscription.status !== 'trialing' || subscription.trial_end !== periodEnd) return false;
  if (hasPaymentMethod(ctx, subscription)) return false;
  const behavior = subscription.trial_settings?.end_behavior.missing_payment_method;
  if (behavior === 'cancel') {
    endSubscription(subscription, periodEnd, now);
    ctx.events.emit('customer.subscription.deleted', subscription, AUTOMATIC);
    return true;
  }
  if (behavior === 'pause') {
    const before = structuredClone(subscription);
    subscription.status = 'paused';
    ctx.events.emit('customer.subscription.updated', subscription, AUTOMATIC, changedAttributes(before, subscription));
    ctx.events.emit('customer.subscription.paused', subscription, AUTOMATIC);
    return true;
  }
  return false;
}

/** What Stripe would charge at the trial end: the subscription's own payment method, else the customer's default. */
function hasPaymentMethod(ctx: EmulatorContext, subscription: Subscription): boolean {
  if (subscription.default_payment_method || subscription.default_source) return true;
  const customer = customerOf(ctx, subscription);
  return Boolean(customer.invoice_settings.default_payment_method || customer.default_source);
}

function startNewPeriod(subscription: Subscription, start: number): void {
  for (const item of subscription.items.data) {
    if (!item.price.recurring) continue;
    item.current_period_start = start;
    item.current_period_end = addInterval(start, item.price.recurring);
  }
  if (subscription.cancel_at_period_end) subscription.cancel_at = currentPeriodEnd(subscription);
}
