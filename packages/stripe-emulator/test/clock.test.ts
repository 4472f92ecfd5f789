import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { apiFetch, createSubscriptionSession, emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();

const DAY = 86_400;

describe('test clock', () => {
  it('expires open sessions past expires_at, leaving later ones open', async () => {
    // A minute above Stripe's 30-minute floor, so a second ticking over
    // between reading the clock and creating the session cannot reject it.
    const now = t.emulator.now();
    const soon = await createSubscriptionSession(t.stripe, { expires_at: now + 1860 });
    const later = await createSubscriptionSession(t.stripe, { expires_at: now + 7200 });
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(3600);
    expect((await t.stripe.checkout.sessions.retrieve(soon.id)).status).toBe('expired');
    expect((await t.stripe.checkout.sessions.retrieve(later.id)).status).toBe('open');
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => [event.type, (event.data.object as Stripe.Checkout.Session).id])).toEqual([
      ['checkout.session.expired', soon.id],
    ]);
    expect(events[0]?.request).toEqual({ id: null, idempotency_key: null });
  });

  it('stamps new objects with the advanced clock', async () => {
    await t.emulator.advanceClock(3600);
    const before = t.emulator.now();
    const customer = await t.stripe.customers.create({});
    expect(customer.created).toBeGreaterThanOrEqual(before);
    expect(customer.created).toBeLessThanOrEqual(t.emulator.now());
    expect(customer.created).toBeGreaterThan(Math.floor(Date.now() / 1000) + 3000);
  });

  it('renews a subscription at period end: new period on the item, invoice paid, subscription updated', async () => {
    const subscription = await subscribe(t);
    const item = subscription.items.data[0];
    const periodEnd = item?.current_period_end ?? 0;
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(periodEnd - t.emulator.now() + 1);

    const renewed = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]?.current_period_start).toBe(periodEnd);
    expect(renewed.items.data[0]?.current_period_end).toBeGreaterThan(periodEnd + 27 * DAY);
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_cycle', amount_paid: 2900 });
    expect(invoice.id).not.toBe(subscription.latest_invoice);

    const mine = (await eventsSince(t.stripe, marker)).filter((event) => {
      const object = event.data.object as { id: string; subscription?: unknown; parent?: Stripe.Invoice['parent'] };
      return object.id === subscription.id || object.parent?.subscription_details?.subscription === subscription.id;
    });
    expect(mine.map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    expect(mine[0]?.data.previous_attributes).toHaveProperty('items');
  });

  it('ends a subscription set to cancel at period end', async () => {
    const subscription = await subscribe(t);
    await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(periodEnd - t.emulator.now() + 60);
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: periodEnd });
    const mine = (await eventsSince(t.stripe, marker)).filter(
      (event) => (event.data.object as { id: string }).id === subscription.id,
    );
    expect(mine.map((event) => event.type)).toEqual(['customer.subscription.deleted']);
  });

  it('ends a flexible-billing subscription at the cancel_at the portal set', async () => {
    const subscription = await subscribe(t, { customer_email: 'clock-portal@example.com' });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const portal = await t.stripe.billingPortal.sessions.create({ customer: String(subscription.customer) });
    const cancel = await fetch(`${portal.url}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subscription.id }).toString(),
    });
    expect(cancel.status).toBe(303);
    // Only the date marks it: the clock must not wait for cancel_at_period_end.
    expect(await t.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: periodEnd,
    });
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(periodEnd - t.emulator.now() + 60);
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: periodEnd, cancel_at: periodEnd });
    const mine = (await eventsSince(t.stripe, marker)).filter(
      (event) => (event.data.object as { id: string }).id === subscription.id,
    );
    expect(mine.map((event) => event.type)).toEqual(['customer.subscription.deleted']);
  });

  it('ends a subscription at a cancel_at inside its period, not at the period end', async () => {
    const subscription = await subscribe(t);
    const cancelAt = t.emulator.now() + 10 * DAY;
    await t.stripe.subscriptions.update(subscription.id, { cancel_at: cancelAt });
    await t.emulator.advanceClock(9 * DAY);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    await t.emulator.advanceClock(2 * DAY);
    expect(await t.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      ended_at: cancelAt,
    });
  });

  it('ends a trial with the first paid period', async () => {
    const subscription = await subscribe(t, { subscription_data: { trial_period_days: 7 } });
    expect(subscription.status).toBe('trialing');
    await t.emulator.advanceClock(7 * DAY + 1);
    const converted = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(converted.status).toBe('active');
    expect((converted.latest_invoice as Stripe.Invoice).amount_paid).toBe(2900);
  });

  it('makes the renewal fail after fail_next_renewal: past_due and invoice.payment_failed', async () => {
    const subscription = await subscribe(t);
    const response = await apiFetch(
      t.emulator,
      'POST',
      `/v1/test_helpers/subscriptions/${subscription.id}/fail_next_renewal`,
      '',
    );
    expect(response.status).toBe(200);
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(periodEnd - t.emulator.now() + 1);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    const types = (await eventsSince(t.stripe, marker))
      .filter((event) => {
        const object = event.data.object as { id: string; parent?: Stripe.Invoice['parent'] };
        return object.id === subscription.id || object.parent?.subscription_details?.subscription === subscription.id;
      })
      .map((event) => event.type);
    expect(types).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_failed',
    ]);
  });

  it('bills once per elapsed period when the clock jumps several periods', async () => {
    const subscription = await subscribe(t);
    await t.emulator.advanceClock(3 * 31 * DAY);
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual([
      'subscription_cycle',
      'subscription_cycle',
      'subscription_cycle',
      'subscription_create',
    ]);
    expect(invoices.data.every((invoice) => invoice.status === 'paid')).toBe(true);
    const [newest] = invoices.data;
    const renewed = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.latest_invoice).toBe(newest?.id);
    expect(newest?.lines.data[0]?.period.end).toBe(renewed.items.data[0]?.current_period_end);
  });

  it('only moves forward', async () => {
    await expect(t.emulator.advanceClock(-1)).rejects.toThrow(RangeError);
  });
});
