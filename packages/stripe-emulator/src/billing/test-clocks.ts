import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest } from '../errors';
import type { EventOrigin } from '../events';
import { newId } from '../ids';
import type { Params } from '../params';
import type { TestClock } from '../wire';
import { settleDueObjects } from './advance-clock';
import { testClockOfCustomer } from './clock-of';
import { deleteCustomer } from './delete-customer';

/**
 * Stripe's test clocks (https://docs.stripe.com/billing/testing/test-clocks). A customer created
 * with `test_clock` lives on that clock: whatever is done to it or its objects (subscriptions,
 * invoices, checkout sessions, portal sessions) happens at the clock's `frozen_time`, and only the
 * clock's `advance` moves them on. Everything else follows the emulator's own clock.
 */

/** Stripe deletes a test clock 30 days after creating it; the emulator only reports the date. */
const TEST_CLOCK_LIFETIME_SECONDS = 30 * 86_400;
/** Stripe's limit of customers per test clock. */
export const MAX_CUSTOMERS_PER_TEST_CLOCK = 3;

export function createTestClock(
  ctx: EmulatorContext,
  input: { frozenTime: number; name: string | null },
  origin: EventOrigin,
): TestClock {
  const created = ctx.clock.now();
  const clock = ctx.store.testClocks.insert({
    id: newId('clock'),
    object: 'test_helpers.test_clock',
    created,
    deletes_after: created + TEST_CLOCK_LIFETIME_SECONDS,
    frozen_time: input.frozenTime,
    livemode: false,
    name: input.name,
    status: 'ready',
    status_details: {},
  });
  ctx.events.emit('test_helpers.test_clock.created', clock, origin);
  return clock;
}

/**
 * `POST /v1/test_helpers/test_clocks/:id/advance`. On Stripe the clock answers `advancing` and
 * turns `ready` once its objects have caught up, a few seconds later. The emulator catches up
 * before answering, so the answer (and `test_helpers.test_clock.advancing`) shows `advancing`
 * and a retrieve right after shows `ready`; the objects' events come between the two clock events,
 * dated at the times they happen on the clock.
 */
export function advanceTestClock(
  ctx: EmulatorContext,
  clock: TestClock,
  frozenTime: number,
  origin: EventOrigin,
): TestClock {
  if (frozenTime <= clock.frozen_time) {
    throw invalidParam(
      'frozen_time',
      `The frozen_time (${frozenTime}) must be after the test clock's current frozen_time (${clock.frozen_time}).`,
      'parameter_invalid_integer',
    );
  }
  clock.status = 'advancing';
  clock.status_details = { advancing: { target_frozen_time: frozenTime } };
  ctx.events.emit('test_helpers.test_clock.advancing', clock, origin);
  const answer = structuredClone(clock);

  // Period ends, trial ends and expiries are each handled at their own moment, in order; a renewal
  // brings the next period end into view, so the next moment is looked up after each step.
  for (
    let moment = nextDueMoment(ctx, clock.id, clock.frozen_time, frozenTime);
    moment !== undefined;
    moment = nextDueMoment(ctx, clock.id, moment, frozenTime)
  ) {
    const at = moment;
    clock.frozen_time = at;
    ctx.clock.at(at, () => settleDueObjects(ctx, clock.id));
  }
  clock.frozen_time = frozenTime;
  ctx.clock.at(frozenTime, () => settleDueObjects(ctx, clock.id));
  clock.status = 'ready';
  clock.status_details = {};
  ctx.events.emit('test_helpers.test_clock.ready', clock, origin);
  return { ...answer, frozen_time: frozenTime };
}

/** The earliest time in (from, to) at which something of the clock's customers falls due. */
function nextDueMoment(ctx: EmulatorContext, clock: string, from: number, to: number): number | undefined {
  const moments: number[] = [];
  for (const session of ctx.store.checkoutSessions.all()) {
    if (session.status === 'open' && testClockOfCustomer(ctx, session.customer) === clock) {
      moments.push(session.expires_at);
    }
  }
  for (const subscription of ctx.store.subscriptions.all()) {
    if (subscription.status === 'canceled' || testClockOfCustomer(ctx, subscription.customer) !== clock) continue;
    for (const item of subscription.items.data) moments.push(item.current_period_end);
  }
  const due = moments.filter((moment) => moment > from && moment < to);
  return due.length > 0 ? Math.min(...due) : undefined;
}

/** `DELETE /v1/test_helpers/test_clocks/:id`: its customers are deleted too, ending their subscriptions. */
export function deleteTestClock(ctx: EmulatorContext, clock: TestClock, origin: EventOrigin) {
  ctx.clock.at(clock.frozen_time, () => {
    for (const customer of ctx.store.customers.all()) {
      if (testClockOfCustomer(ctx, customer.id) === clock.id) deleteCustomer(ctx, customer, origin);
    }
  });
  ctx.store.testClocks.remove(clock.id);
  ctx.events.emit('test_helpers.test_clock.deleted', clock, origin);
  return { id: clock.id, object: 'test_helpers.test_clock' as const, deleted: true as const };
}

/** `test_clock` on customer create: the clock must exist and have room for another customer. */
export function testClockForNewCustomer(ctx: EmulatorContext, id: string): string {
  const clock = ctx.store.testClocks.get(id);
  if (!clock) {
    throw invalidRequest(`No such test_clock: '${id}'`, 'test_clock');
  }
  const customers = ctx.store.customers.all().filter((customer) => customer.test_clock === id).length;
  if (customers >= MAX_CUSTOMERS_PER_TEST_CLOCK) {
    throw invalidParam(
      'test_clock',
      `The test clock ${id} already has the maximum of ${MAX_CUSTOMERS_PER_TEST_CLOCK} customers.`,
    );
  }
  return id;
}

/**
 * Runs `work` at the time of the test clock that `customer` lives on, if any. What a request does
 * to a clock's customer or its objects happens at the clock's `frozen_time`, as on Stripe.
 */
export function atCustomerTime<T>(ctx: EmulatorContext, customer: unknown, work: () => T): T {
  const clock = ctx.store.testClocks.get(testClockOfCustomer(ctx, customer) ?? '');
  return clock ? ctx.clock.at(clock.frozen_time, work) : work();
}

/**
 * The customer an API request is about: the one the URL's object belongs to (or is), else the
 * `customer` parameter, else `test_clock`'s clock for a customer being created on it.
 */
export function atRequestTime<T>(ctx: EmulatorContext, id: string, params: Params, work: () => T): T {
  const target = id ? ctx.store.find(id) : undefined;
  const subscription =
    typeof params.subscription === 'string' ? ctx.store.subscriptions.get(params.subscription) : undefined;
  const owner = target && 'customer' in target ? target.customer : undefined;
  const customer =
    target?.object === 'customer'
      ? target.id
      : typeof owner === 'string'
        ? owner
        : (params.customer ?? subscription?.customer);
  if (customer !== undefined) return atCustomerTime(ctx, customer, work);
  const newCustomerClock =
    typeof params.test_clock === 'string' ? ctx.store.testClocks.get(params.test_clock) : undefined;
  return newCustomerClock ? ctx.clock.at(newCustomerClock.frozen_time, work) : work();
}
