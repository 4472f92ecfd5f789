import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest } from '../errors';
import { changedAttributes, type EventOrigin } from '../events';
import { idOf } from '../ids';
import { addInterval, planFromPrice } from '../objects/price';
import { buildPhase, buildScheduleFromSubscription, type PhaseItemInput } from '../objects/subscription-schedule';
import { type Metadata, mergeMetadata } from '../params';
import type { Price, SchedulePhase, Subscription, SubscriptionSchedule } from '../wire';
import type { ProrationBehavior } from './prorations';
import { cancelSubscription, updateSubscription } from './subscriptions';

/** `phases[i]` of a schedule update, resolved against the store. */
export interface PhaseParams {
  items: PhaseItemInput[];
  startDate?: number | 'now';
  endDate?: number | 'now';
  duration?: NonNullable<Price['recurring']>;
  prorationBehavior?: ProrationBehavior;
}

export interface ScheduleChanges {
  /** Merged into the schedule's metadata as on every object: an empty value removes a key. */
  metadata?: Metadata | null | undefined;
  phases?: PhaseParams[];
  endBehavior?: SubscriptionSchedule['end_behavior'];
  prorationBehavior?: ProrationBehavior;
}

const MODIFIABLE: readonly SubscriptionSchedule['status'][] = ['not_started', 'active'];

function assertModifiable(schedule: SubscriptionSchedule, action: string): void {
  if (!MODIFIABLE.includes(schedule.status)) {
    throw invalidRequest(
      `You cannot ${action} a subscription schedule that is currently in the \`${schedule.status}\` status. It must be in one of the following statuses: \`not_started\`, \`active\`.`,
    );
  }
}

function subscriptionOf(ctx: EmulatorContext, schedule: SubscriptionSchedule): Subscription {
  const id = schedule.subscription ? idOf(schedule.subscription) : null;
  const subscription = id ? ctx.store.subscriptions.get(id) : undefined;
  if (!subscription) throw new Error(`Schedule ${schedule.id} has no subscription.`);
  return subscription;
}

/**
 * Attaches the subscription to a schedule (or detaches it, with null) and tells of it in Stripe's
 * order: the schedule's own event, then `customer.subscription.updated` with the old `schedule`.
 */
function linkSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  scheduleId: string | null,
  scheduleEvent: 'subscription_schedule.created' | 'subscription_schedule.released',
  schedule: SubscriptionSchedule,
  origin: EventOrigin,
): void {
  const before = structuredClone(subscription);
  subscription.schedule = scheduleId;
  ctx.events.emit(scheduleEvent, schedule, origin);
  ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
}

/** `POST /v1/subscription_schedules` with `from_subscription`: the schedule takes the subscription over. */
export function createScheduleFromSubscription(
  ctx: EmulatorContext,
  subscription: Subscription,
  origin: EventOrigin,
): SubscriptionSchedule {
  if (subscription.schedule) {
    throw invalidRequest(
      `You cannot migrate a subscription that is already attached to a schedule: \`${idOf(subscription.schedule)}\`.`,
      'from_subscription',
    );
  }
  if (subscription.status === 'canceled') {
    throw invalidRequest(
      'You cannot create a subscription schedule from a canceled subscription.',
      'from_subscription',
    );
  }
  const schedule = ctx.store.subscriptionSchedules.insert(buildScheduleFromSubscription(subscription, ctx.clock.now()));
  linkSubscription(ctx, subscription, schedule.id, 'subscription_schedule.created', schedule, origin);
  return schedule;
}

/**
 * `POST /v1/subscription_schedules/:id` with `phases`: the phases replace the schedule's, each
 * starting where the previous one ends (https://docs.stripe.com/api/subscription_schedules/update).
 * A change to the current phase's items applies to the subscription now, prorated.
 */
export function updateSchedule(
  ctx: EmulatorContext,
  schedule: SubscriptionSchedule,
  changes: ScheduleChanges,
  origin: EventOrigin,
): SubscriptionSchedule {
  assertModifiable(schedule, 'update');
  const before = structuredClone(schedule);
  if (changes.endBehavior !== undefined) schedule.end_behavior = changes.endBehavior;
  if (changes.metadata) schedule.metadata = mergeMetadata(schedule.metadata ?? {}, changes.metadata);
  if (changes.phases) {
    schedule.phases = resolvePhases(ctx, schedule, changes.phases);
    const current = schedule.phases[0];
    if (schedule.status === 'active' && current) {
      schedule.current_phase = { start_date: current.start_date, end_date: current.end_date };
      applyPhaseNow(ctx, schedule, current, changes.prorationBehavior ?? 'create_prorations', origin);
    }
  }
  const previous = changedAttributes(before, schedule);
  if (Object.keys(previous).length > 0) ctx.events.emit('subscription_schedule.updated', schedule, origin, previous);
  return schedule;
}

function resolvePhases(ctx: EmulatorContext, schedule: SubscriptionSchedule, phases: PhaseParams[]): SchedulePhase[] {
  if (phases.length === 0) throw invalidParam('phases', 'A subscription schedule needs at least one phase.');
  const now = ctx.clock.now();
  const resolved: SchedulePhase[] = [];
  let previousEnd: number | undefined;
  phases.forEach((phase, index) => {
    const at = (value: number | 'now' | undefined) => (value === 'now' ? now : value);
    const givenStart = at(phase.startDate);
    if (index === 0 && givenStart === undefined) {
      throw invalidParam('phases[0][start_date]', 'The first phase of a schedule needs a `start_date`.');
    }
    if (index === 0 && schedule.current_phase && givenStart !== schedule.current_phase.start_date) {
      throw invalidParam(
        'phases[0][start_date]',
        'You can not modify the start date of the current phase.',
        'parameter_invalid_integer',
      );
    }
    const start = previousEnd ?? (givenStart as number);
    if (givenStart !== undefined && givenStart !== start) {
      throw invalidParam(
        `phases[${index}][start_date]`,
        "A phase's start_date must equal the previous phase's end_date.",
        'parameter_invalid_integer',
      );
    }
    const firstPrice = phase.items[0]?.price;
    if (!firstPrice?.recurring) throw invalidParam(`phases[${index}][items]`, 'Each phase needs at least one item.');
    const nextStart = at(phases[index + 1]?.startDate);
    const end =
      at(phase.endDate) ??
      (phase.duration ? addInterval(start, phase.duration) : (nextStart ?? addInterval(start, firstPrice.recurring)));
    if (end <= start) {
      throw invalidParam(
        `phases[${index}][end_date]`,
        'The end date of a phase must be after its start date.',
        'parameter_invalid_integer',
      );
    }
    resolved.push(
      buildPhase(
        { items: phase.items, start, end, prorationBehavior: phase.prorationBehavior ?? 'create_prorations' },
        schedule.phases[0]?.currency ?? firstPrice.currency,
      ),
    );
    previousEnd = end;
  });
  return resolved;
}

/** Brings the subscription's items in line with the phase in force, item by item. */
function applyPhaseNow(
  ctx: EmulatorContext,
  schedule: SubscriptionSchedule,
  phase: SchedulePhase,
  prorationBehavior: ProrationBehavior,
  origin: EventOrigin,
): void {
  const subscription = subscriptionOf(ctx, schedule);
  const items = subscription.items.data.flatMap((item, index) => {
    const wanted = phase.items[index];
    if (!wanted) return [];
    const price = ctx.store.prices.get(idOf(wanted.price));
    const quantity = wanted.quantity ?? 1;
    if (!price || (price.id === item.price.id && quantity === (item.quantity ?? 1))) return [];
    return [{ kind: 'replace' as const, itemId: item.id, price, quantity }];
  });
  if (items.length > 0) updateSubscription(ctx, subscription, { items, prorationBehavior }, origin);
}

/** `POST /v1/subscription_schedules/:id/release`: the subscription carries on without the schedule. */
export function releaseSchedule(
  ctx: EmulatorContext,
  schedule: SubscriptionSchedule,
  origin: EventOrigin,
): SubscriptionSchedule {
  assertModifiable(schedule, 'release');
  const subscription = subscriptionOf(ctx, schedule);
  schedule.status = 'released';
  schedule.released_at = ctx.clock.now();
  schedule.released_subscription = subscription.id;
  schedule.subscription = null;
  schedule.current_phase = null;
  linkSubscription(ctx, subscription, null, 'subscription_schedule.released', schedule, origin);
  return schedule;
}

/** `POST /v1/subscription_schedules/:id/cancel`: the schedule and its subscription end now. */
export function cancelSchedule(
  ctx: EmulatorContext,
  schedule: SubscriptionSchedule,
  origin: EventOrigin,
): SubscriptionSchedule {
  assertModifiable(schedule, 'cancel');
  const subscription = subscriptionOf(ctx, schedule);
  schedule.status = 'canceled';
  schedule.canceled_at = ctx.clock.now();
  schedule.current_phase = null;
  cancelSubscription(ctx, subscription, origin);
  ctx.events.emit('subscription_schedule.canceled', schedule, origin);
  return schedule;
}

/**
 * At a period boundary `at`, moves the subscription's schedule into the phase that covers the new
 * period, switching item prices without proration (the old price was billed for exactly its
 * period). Past the last phase the schedule completes: the subscription is released, or ended
 * with `end_behavior: cancel` (returned as true so the caller ends it).
 */
export function enterScheduledPhase(ctx: EmulatorContext, subscription: Subscription, at: number): boolean {
  const schedule = subscription.schedule ? ctx.store.subscriptionSchedules.get(idOf(subscription.schedule)) : undefined;
  if (schedule?.status !== 'active') return false;
  const before = structuredClone(schedule);
  const phase = schedule.phases.find((candidate) => candidate.start_date <= at && at < candidate.end_date);
  if (!phase) {
    schedule.status = 'completed';
    schedule.completed_at = at;
    schedule.current_phase = null;
    if (schedule.end_behavior === 'release') {
      schedule.released_subscription = subscription.id;
      subscription.schedule = null;
    }
    ctx.events.emit('subscription_schedule.completed', schedule, { requestId: null, idempotencyKey: null });
    return schedule.end_behavior === 'cancel';
  }
  if (schedule.current_phase?.start_date === phase.start_date) return false;
  schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
  subscription.items.data.forEach((item, index) => {
    const wanted = phase.items[index];
    const price = wanted ? ctx.store.prices.get(idOf(wanted.price)) : undefined;
    if (!wanted || !price) return;
    item.price = price;
    item.plan = planFromPrice(price);
    item.quantity = wanted.quantity ?? 1;
  });
  ctx.events.emit(
    'subscription_schedule.updated',
    schedule,
    { requestId: null, idempotencyKey: null },
    {
      ...changedAttributes(before, schedule),
    },
  );
  return false;
}
