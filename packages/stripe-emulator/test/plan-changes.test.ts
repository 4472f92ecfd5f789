import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { apiFetch, emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();

const DAY = 86_400;
const STARTER = 'price_starter_monthly';
const PRO = 'price_1ABC123XYZ';
const PRO_YEARLY = 'price_pro_yearly';

function subscribeTo(price: string): Promise<Stripe.Subscription> {
  return subscribe(t, { line_items: [{ price, quantity: 1 }] });
}

function itemOf(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = subscription.items.data[0];
  if (!item) throw new Error('no item');
  return item;
}

/** Stripe's proration of `amount` for the part of the item's period after `at`, to the second. */
function prorated(amount: number, item: Stripe.SubscriptionItem, at: number): number {
  return Math.round((amount * (item.current_period_end - at)) / (item.current_period_end - item.current_period_start));
}

async function failNextPayment(subscriptionId: string): Promise<void> {
  const response = await apiFetch(
    t.emulator,
    'POST',
    `/v1/test_helpers/subscriptions/${subscriptionId}/fail_next_payment`,
    '',
  );
  expect(response.status).toBe(200);
}

describe('price changes with proration', () => {
  it('previews and then invoices an always_invoice upgrade with the same prorated lines', async () => {
    const subscription = await subscribeTo(STARTER);
    await t.emulator.advanceClock(10 * DAY);
    const item = itemOf(subscription);
    const at = t.emulator.now();
    const preview = await t.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item.id, price: PRO }],
        proration_date: at,
        proration_behavior: 'always_invoice',
      },
    });
    const credit = -prorated(900, item, at);
    const charge = prorated(2900, item, at);
    expect(preview.id).toMatch(/^upcoming_in_/);
    expect(preview.lines.data.map((line) => line.amount)).toEqual([credit, charge]);
    expect(preview.lines.data[0]?.description).toMatch(/^Unused time on Starter after \d{2} \w{3} \d{4}$/);
    expect(preview.lines.data[1]?.description).toMatch(/^Remaining time on Pro after /);
    expect(preview.lines.data.every((line) => line.parent?.subscription_item_details?.proration)).toBe(true);
    expect(preview.amount_due).toBe(credit + charge);
    expect(preview.parent?.subscription_details?.subscription_proration_date).toBe(at);

    const marker = await latestEventId(t.stripe);
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: PRO }],
      proration_behavior: 'always_invoice',
      proration_date: at,
      payment_behavior: 'pending_if_incomplete',
      expand: ['latest_invoice'],
    });
    expect(itemOf(updated).price.id).toBe(PRO);
    // Same interval: the period stays where it was.
    expect(itemOf(updated).current_period_end).toBe(item.current_period_end);
    expect(updated.pending_update).toBeNull();
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_update',
      amount_due: preview.amount_due,
    });
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('restarts the billing cycle on a move to a yearly price and bills the year at once', async () => {
    const subscription = await subscribeTo(PRO);
    await t.emulator.advanceClock(3 * DAY);
    const item = itemOf(subscription);
    const at = t.emulator.now();
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: PRO_YEARLY }],
      proration_behavior: 'always_invoice',
      proration_date: at,
      expand: ['latest_invoice'],
    });
    const after = t.emulator.now();
    const newItem = itemOf(updated);
    // The new cycle starts when the update is made (proration_date only prices it), which the wall
    // clock places between these two readings.
    expect(newItem.current_period_start).toBeGreaterThanOrEqual(at);
    expect(newItem.current_period_start).toBeLessThanOrEqual(after);
    expect(new Date(newItem.current_period_end * 1000).getUTCFullYear()).toBe(
      new Date(newItem.current_period_start * 1000).getUTCFullYear() + 1,
    );
    expect(updated.billing_cycle_anchor).toBe(newItem.current_period_start);
    const invoice = updated.latest_invoice as Stripe.Invoice;
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([-prorated(2900, item, at), 29000]);
  });

  it('leaves the old price and a pending_update when a pending_if_incomplete payment fails', async () => {
    const subscription = await subscribeTo(STARTER);
    const item = itemOf(subscription);
    await failNextPayment(subscription.id);
    const marker = await latestEventId(t.stripe);
    // The clock follows the wall clock: the update happened somewhere between these two readings.
    const before = t.emulator.now();
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: PRO }],
      proration_behavior: 'always_invoice',
      payment_behavior: 'pending_if_incomplete',
      expand: ['latest_invoice'],
    });
    const after = t.emulator.now();
    expect(updated.status).toBe('active');
    expect(itemOf(updated).price.id).toBe(STARTER);
    expect(updated.pending_update?.subscription_items?.[0]?.price.id).toBe(PRO);
    const expiresIn = (updated.pending_update?.expires_at ?? 0) - 23 * 3600;
    expect(expiresIn).toBeGreaterThanOrEqual(before);
    expect(expiresIn).toBeLessThanOrEqual(after);
    expect((updated.latest_invoice as Stripe.Invoice).status).toBe('open');
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    await t.emulator.advanceClock(DAY);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).pending_update).toBeNull();
  });

  it('answers 402 card_declined under error_if_incomplete and changes nothing', async () => {
    const subscription = await subscribeTo(STARTER);
    await failNextPayment(subscription.id);
    await expect(
      t.stripe.subscriptions.update(subscription.id, {
        items: [{ id: itemOf(subscription).id, price: PRO }],
        proration_behavior: 'always_invoice',
        payment_behavior: 'error_if_incomplete',
      }),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined', statusCode: 402 });
    expect(itemOf(await t.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(STARTER);
  });

  it('keeps create_prorations for the next invoice, which the default preview shows', async () => {
    const subscription = await subscribeTo(STARTER);
    await t.emulator.advanceClock(5 * DAY);
    const item = itemOf(subscription);
    const at = t.emulator.now();
    const marker = await latestEventId(t.stripe);
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: PRO }],
      proration_date: at,
    });
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual(['customer.subscription.updated']);
    const upcoming = await t.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(upcoming.billing_reason).toBe('upcoming');
    expect(upcoming.lines.data.map((line) => line.amount)).toEqual([
      -prorated(900, item, at),
      prorated(2900, item, at),
      2900,
    ]);
    await t.emulator.advanceClock(30 * DAY);
    const renewed = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect((renewed.latest_invoice as Stripe.Invoice).amount_paid).toBe(upcoming.amount_due);
  });

  it('refuses unknown proration and payment behaviours and a proration_date outside the period', async () => {
    const subscription = await subscribeTo(STARTER);
    await expect(
      t.stripe.subscriptions.update(subscription.id, { proration_behavior: 'sometimes' as 'none' }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'proration_behavior' });
    await expect(
      t.stripe.subscriptions.update(subscription.id, { payment_behavior: 'maybe' as 'allow_incomplete' }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'payment_behavior' });
    await expect(
      t.stripe.invoices.createPreview({
        subscription: subscription.id,
        subscription_details: { proration_date: itemOf(subscription).current_period_end + 1 },
      }),
    ).rejects.toMatchObject({ param: 'subscription_details[proration_date]' });
  });
});

/**
 * A subscription's discounts reach its prorations (Stripe, 2025-09-30.clover: "Adds the ability to
 * itemize proration discount amounts"): with `proration_discounts: included`, the default, and in
 * classic mode the proration amounts are net and name the discount at 0; with `itemized` they are
 * gross and the discount amounts are itemized. The customer pays the same either way.
 */
describe('prorations of a discounted subscription', () => {
  /** A fifth off, forever, as Subkit's FRIEND20. */
  async function subscribeWithFifthOff(
    price: string,
    billingMode?: Stripe.Checkout.SessionCreateParams.SubscriptionData.BillingMode,
  ) {
    const coupon = await t.stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    const subscription = await subscribe(t, {
      line_items: [{ price, quantity: 1 }],
      discounts: [{ coupon: coupon.id }],
      ...(billingMode ? { subscription_data: { billing_mode: billingMode } } : {}),
    });
    const discount = subscription.discounts[0];
    if (typeof discount !== 'string') throw new Error('the subscription has no discount');
    return { subscription, item: itemOf(subscription), discount };
  }

  /** What is left of a proration of `gross` after a fifth off, rounded as Stripe rounds a line's discount. */
  const fifthOff = (gross: number) => gross - Math.round(gross / 5);

  it.each([
    ['flexible billing (included by default)', undefined],
    ['classic billing', { type: 'classic' } as const],
  ])('nets the proration amounts of an upgrade under %s, and charges what the preview showed', async (_, mode) => {
    const { subscription, item, discount } = await subscribeWithFifthOff(STARTER, mode);
    await t.emulator.advanceClock(10 * DAY);
    const at = t.emulator.now();
    const details = {
      items: [{ id: item.id, price: PRO }],
      proration_date: at,
      proration_behavior: 'always_invoice' as const,
    };
    const preview = await t.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: details,
    });
    const credit = -fifthOff(prorated(900, item, at));
    const charge = fifthOff(prorated(2900, item, at));
    expect(preview.lines.data.map((line) => line.amount)).toEqual([credit, charge]);
    expect(preview.lines.data.map((line) => line.discount_amounts)).toEqual([
      [{ amount: 0, discount }],
      [{ amount: 0, discount }],
    ]);
    expect(preview).toMatchObject({
      subtotal: credit + charge,
      total_discount_amounts: [],
      total: credit + charge,
      amount_due: credit + charge,
    });

    const updated = await t.stripe.subscriptions.update(subscription.id, {
      ...details,
      expand: ['latest_invoice'],
    });
    expect(updated.latest_invoice).toMatchObject({ status: 'paid', amount_paid: preview.amount_due });
  });

  it('itemizes the discount under proration_discounts: itemized, for the same amount due', async () => {
    const { subscription, item, discount } = await subscribeWithFifthOff(STARTER, {
      type: 'flexible',
      flexible: { proration_discounts: 'itemized' },
    });
    await t.emulator.advanceClock(10 * DAY);
    const at = t.emulator.now();
    const preview = await t.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item.id, price: PRO }],
        proration_date: at,
        proration_behavior: 'always_invoice',
      },
    });
    const credit = prorated(900, item, at);
    const charge = prorated(2900, item, at);
    const off = Math.round(charge / 5) - Math.round(credit / 5);
    expect(preview.lines.data.map((line) => line.amount)).toEqual([-credit, charge]);
    expect(preview.lines.data.map((line) => line.discount_amounts)).toEqual([
      [{ amount: -Math.round(credit / 5), discount }],
      [{ amount: Math.round(charge / 5), discount }],
    ]);
    expect(preview).toMatchObject({
      subtotal: charge - credit,
      total_discount_amounts: [{ amount: off, discount }],
      amount_due: fifthOff(charge) - fifthOff(credit),
    });
  });

  it('credits the discounted price of the unused time when a move to yearly restarts the cycle', async () => {
    const { subscription, item } = await subscribeWithFifthOff(STARTER);
    await t.emulator.advanceClock(3 * DAY);
    const at = t.emulator.now();
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: PRO_YEARLY }],
      proration_behavior: 'always_invoice',
      proration_date: at,
      expand: ['latest_invoice'],
    });
    const invoice = updated.latest_invoice as Stripe.Invoice;
    const credit = -fifthOff(prorated(900, item, at));
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([credit, 29000]);
    // The new year is a regular line: the invoice's discount takes its fifth there.
    expect(invoice.amount_paid).toBe(29000 - 5800 + credit);
  });
});

describe('subscription schedules', () => {
  async function scheduleDowngrade(subscription: Stripe.Subscription, price: string) {
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    const phase = schedule.phases[0];
    if (!phase) throw new Error('no phase');
    return t.stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: 'release',
      phases: [
        {
          items: [{ price: itemOf(subscription).price.id, quantity: 1 }],
          start_date: phase.start_date,
          end_date: phase.end_date,
        },
        { items: [{ price, quantity: 1 }], duration: { interval: 'month', interval_count: 1 } },
      ],
    });
  }

  it('is created from a subscription with one phase for the current period', async () => {
    const subscription = await subscribeTo(PRO);
    const marker = await latestEventId(t.stripe);
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    const item = itemOf(subscription);
    expect(schedule).toMatchObject({
      object: 'subscription_schedule',
      status: 'active',
      end_behavior: 'release',
      subscription: subscription.id,
      customer: subscription.customer,
      current_phase: { start_date: item.current_period_start, end_date: item.current_period_end },
    });
    expect(schedule.id).toMatch(/^sub_sched_/);
    expect(schedule.phases).toHaveLength(1);
    expect(schedule.phases[0]?.items[0]).toMatchObject({ price: PRO, quantity: 1 });
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).schedule).toBe(schedule.id);
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual([
      'subscription_schedule.created',
      'customer.subscription.updated',
    ]);
    await expect(t.stripe.subscriptionSchedules.create({ from_subscription: subscription.id })).rejects.toMatchObject({
      param: 'from_subscription',
      message: expect.stringContaining('already attached to a schedule'),
    });
    await expect(t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true })).rejects.toMatchObject({
      message: expect.stringContaining('managed by the subscription schedule'),
    });
  });

  it('switches the price when the clock passes the phase, bills the new price, then completes', async () => {
    const subscription = await subscribeTo(PRO);
    const schedule = await scheduleDowngrade(subscription, STARTER);
    expect(schedule.phases.map((phase) => phase.items[0]?.price)).toEqual([PRO, STARTER]);
    const periodEnd = itemOf(subscription).current_period_end;
    expect(schedule.phases[1]?.start_date).toBe(periodEnd);
    // Nothing changes before the phase starts.
    expect(itemOf(await t.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(PRO);

    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(periodEnd - t.emulator.now() + 60);
    const renewed = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(itemOf(renewed).price.id).toBe(STARTER);
    expect((renewed.latest_invoice as Stripe.Invoice).amount_paid).toBe(900);
    // Other tests' subscriptions renew in the same clock jump: keep this subscription's own events.
    const types = (await eventsSince(t.stripe, marker))
      .filter((event) => [subscription.id, schedule.id].includes((event.data.object as { id: string }).id))
      .map((event) => event.type);
    expect(types).toEqual(['subscription_schedule.updated', 'customer.subscription.updated']);
    expect((await t.stripe.subscriptionSchedules.retrieve(schedule.id)).current_phase?.start_date).toBe(periodEnd);

    await t.emulator.advanceClock(itemOf(renewed).current_period_end - t.emulator.now() + 60);
    const completed = await t.stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(completed).toMatchObject({ status: 'completed', released_subscription: subscription.id });
    const released = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(released).toMatchObject({ status: 'active', schedule: null });
    expect(itemOf(released).price.id).toBe(STARTER);
  });

  it('releases: the subscription keeps its price and leaves the schedule', async () => {
    const subscription = await subscribeTo(PRO);
    const schedule = await scheduleDowngrade(subscription, STARTER);
    const marker = await latestEventId(t.stripe);
    const released = await t.stripe.subscriptionSchedules.release(schedule.id);
    expect(released).toMatchObject({ status: 'released', subscription: null, released_subscription: subscription.id });
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual([
      'subscription_schedule.released',
      'customer.subscription.updated',
    ]);
    await t.emulator.advanceClock(itemOf(subscription).current_period_end - t.emulator.now() + 60);
    expect(itemOf(await t.stripe.subscriptions.retrieve(subscription.id)).price.id).toBe(PRO);
    await expect(t.stripe.subscriptionSchedules.release(schedule.id)).rejects.toMatchObject({
      message: expect.stringContaining('`released` status'),
    });
  });

  it('previews the next invoice at the scheduled price', async () => {
    const subscription = await subscribeTo(PRO);
    await scheduleDowngrade(subscription, STARTER);
    const upcoming = await t.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(upcoming.amount_due).toBe(900);
  });

  it('cancels the schedule and its subscription', async () => {
    const subscription = await subscribeTo(PRO);
    const schedule = await scheduleDowngrade(subscription, STARTER);
    const canceled = await t.stripe.subscriptionSchedules.cancel(schedule.id);
    expect(canceled.status).toBe('canceled');
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });

  it('refuses a first phase that moves the current phase start', async () => {
    const subscription = await subscribeTo(PRO);
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: subscription.id });
    await expect(
      t.stripe.subscriptionSchedules.update(schedule.id, {
        phases: [{ items: [{ price: STARTER }], start_date: (schedule.phases[0]?.start_date ?? 0) + 1 }],
      }),
    ).rejects.toMatchObject({ param: 'phases[0][start_date]' });
  });
});
