import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  completeSession,
  createSubscriptionSession,
  emulatorForFile,
  eventsSince,
  latestEventId,
  stripeError,
} from './helpers';

const t = emulatorForFile();
const DAY = 24 * 60 * 60;

/** A customer on a new clock, subscribed to Pro monthly through checkout. */
async function subscriberOnClock(frozenTime: number) {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozenTime, name: 'renewals' });
  const customer = await t.stripe.customers.create({ email: 'clock@example.com', test_clock: clock.id });
  const session = await createSubscriptionSession(t.stripe, { customer: customer.id, customer_email: undefined });
  const completed = await completeSession(t.emulator, session.id);
  const subscription = await t.stripe.subscriptions.retrieve(completed.subscription as string);
  return { clock, customer, subscription };
}

describe('test clocks', () => {
  it('creates, retrieves, lists and deletes clocks in Stripe’s shape, with their events', async () => {
    const marker = await latestEventId(t.stripe);
    const frozenTime = 1_767_225_600; // 2026-01-01
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: frozenTime, name: 'Annual renewal' });
    expect(clock).toMatchObject({
      object: 'test_helpers.test_clock',
      frozen_time: frozenTime,
      name: 'Annual renewal',
      status: 'ready',
      status_details: {},
      livemode: false,
    });
    expect(clock.id).toMatch(/^clock_/);
    expect(clock.deletes_after - clock.created).toBe(30 * DAY);
    expect(await t.stripe.testHelpers.testClocks.retrieve(clock.id)).toEqual(clock);
    const listed = await t.stripe.testHelpers.testClocks.list({ limit: 100 });
    expect(listed.data.map((each) => each.id)).toContain(clock.id);

    const deleted = await t.stripe.testHelpers.testClocks.del(clock.id);
    expect(deleted).toEqual({ id: clock.id, object: 'test_helpers.test_clock', deleted: true });
    const missing = await stripeError(t.stripe.testHelpers.testClocks.retrieve(clock.id));
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const types = (await eventsSince(t.stripe, marker)).map((event) => event.type);
    expect(types).toEqual(['test_helpers.test_clock.created', 'test_helpers.test_clock.deleted']);

    const noTime = await stripeError(t.stripe.testHelpers.testClocks.create({} as { frozen_time: number }));
    expect(noTime).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'frozen_time' });
  });

  it('dates a clock customer’s objects at the clock’s time, not the emulator’s', async () => {
    const frozenTime = 1_767_225_600;
    const { customer, subscription } = await subscriberOnClock(frozenTime);
    expect(customer.created).toBe(frozenTime);
    expect(customer.test_clock).toMatch(/^clock_/);
    expect(subscription).toMatchObject({
      created: frozenTime,
      start_date: frozenTime,
      test_clock: customer.test_clock,
    });
    const invoice = await t.stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice.test_clock).toBe(customer.test_clock);
    expect(invoice.created).toBe(frozenTime);
  });

  it('advancing renews only the clock’s subscriptions, each period at its own time, then turns ready', async () => {
    const frozenTime = 1_767_225_600;
    const { clock, subscription } = await subscriberOnClock(frozenTime);
    const elsewhere = await t.stripe.subscriptions.retrieve(
      (await completeSession(t.emulator, (await createSubscriptionSession(t.stripe)).id)).subscription as string,
    );
    const firstEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const marker = await latestEventId(t.stripe);
    // The emulator's clock runs with the wall clock; "did not move" is its offset from it staying put.
    const emulatorOffset = t.emulator.now() - Math.floor(Date.now() / 1000);

    const target = frozenTime + 70 * DAY;
    const advancing = await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: target });
    expect(advancing).toMatchObject({
      status: 'advancing',
      frozen_time: target,
      status_details: { advancing: { target_frozen_time: target } },
    });
    const ready = await t.stripe.testHelpers.testClocks.retrieve(clock.id);
    expect(ready).toMatchObject({ status: 'ready', frozen_time: target, status_details: {} });

    const events = await eventsSince(t.stripe, marker);
    expect(events[0]?.type).toBe('test_helpers.test_clock.advancing');
    expect(events.at(-1)?.type).toBe('test_helpers.test_clock.ready');
    const paid = events.filter((event) => event.type === 'invoice.paid');
    // Two renewals in 70 days, each dated at the period end that caused it.
    expect(paid.map((event) => event.created)).toEqual([
      firstEnd,
      (await t.stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.current_period_start,
    ]);
    expect(paid.every((event) => (event.data.object as Stripe.Invoice).test_clock === clock.id)).toBe(true);

    // The emulator's own clock and the other subscription did not move.
    const untouched = await t.stripe.subscriptions.retrieve(elsewhere.id);
    expect(untouched.items.data[0]?.current_period_end).toBe(elsewhere.items.data[0]?.current_period_end);
    expect(Math.abs(t.emulator.now() - Math.floor(Date.now() / 1000) - emulatorOffset)).toBeLessThanOrEqual(1);

    const backwards = await stripeError(t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozenTime }));
    expect(backwards).toMatchObject({ statusCode: 400, param: 'frozen_time' });
  });

  it('the global clock leaves a test clock’s objects alone', async () => {
    const { subscription } = await subscriberOnClock(t.emulator.now());
    const end = subscription.items.data[0]?.current_period_end ?? 0;
    await t.emulator.advanceClock(40 * DAY);
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data[0]?.current_period_end).toBe(end);
    expect(after.status).toBe('active');
  });

  it('deleting a clock deletes its customers and ends their subscriptions; a full clock takes no more customers', async () => {
    const { clock, customer, subscription } = await subscriberOnClock(1_767_225_600);
    await t.stripe.customers.create({ test_clock: clock.id });
    await t.stripe.customers.create({ test_clock: clock.id });
    const full = await stripeError(t.stripe.customers.create({ test_clock: clock.id }));
    expect(full).toMatchObject({ statusCode: 400, param: 'test_clock' });
    const unknown = await stripeError(t.stripe.customers.create({ test_clock: 'clock_nope' }));
    expect(unknown).toMatchObject({ statusCode: 400, param: 'test_clock' });
    expect((await t.stripe.customers.list({ test_clock: clock.id })).data).toHaveLength(3);

    const marker = await latestEventId(t.stripe);
    await t.stripe.testHelpers.testClocks.del(clock.id);
    const types = (await eventsSince(t.stripe, marker)).map((event) => event.type);
    expect(types[0]).toBe('customer.subscription.deleted');
    expect(types.filter((type) => type === 'customer.deleted')).toHaveLength(3);
    expect(types.at(-1)).toBe('test_helpers.test_clock.deleted');
    expect(await t.stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true });
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });
});
