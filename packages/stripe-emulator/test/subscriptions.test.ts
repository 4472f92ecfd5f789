import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { apiFetch, emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();

async function testHelper(path: string): Promise<Response> {
  return apiFetch(t.emulator, 'POST', `/v1/test_helpers/subscriptions/${path}`, '');
}

describe('subscriptions', () => {
  it('is shaped like the fixtures, with the period on the item', async () => {
    const subscription = await subscribe(t);
    expect(subscription.id).toMatch(/^sub_/);
    expect(subscription).toMatchObject({
      object: 'subscription',
      status: 'active',
      cancel_at_period_end: false,
      collection_method: 'charge_automatically',
      currency: 'usd',
      livemode: false,
      items: { object: 'list', has_more: false },
    });
    const item = subscription.items.data[0];
    expect(item).toMatchObject({
      object: 'subscription_item',
      subscription: subscription.id,
      quantity: 1,
      plan: { id: 'price_1ABC123XYZ', interval: 'month' },
    });
    expect(item?.id).toMatch(/^si_/);
    expect(subscription.latest_invoice).toMatch(/^in_/);
  });

  it('bills in flexible mode by default, in classic mode when checkout asks for it, and a schedule follows suit', async () => {
    const flexible = await subscribe(t);
    expect(flexible.billing_mode).toEqual({
      flexible: { proration_discounts: 'included' },
      type: 'flexible',
      updated_at: flexible.created,
    });
    const itemized = await subscribe(t, {
      subscription_data: { billing_mode: { type: 'flexible', flexible: { proration_discounts: 'itemized' } } },
    });
    expect(itemized.billing_mode.flexible).toEqual({ proration_discounts: 'itemized' });
    const classic = await subscribe(t, { subscription_data: { billing_mode: { type: 'classic' } } });
    expect(classic.billing_mode).toEqual({ flexible: null, type: 'classic' });
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: classic.id });
    expect(schedule.billing_mode.type).toBe('classic');

    await expect(
      subscribe(t, { subscription_data: { billing_mode: { type: 'hybrid' as 'classic' } } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'subscription_data[billing_mode][type]' });
  });

  it('sets cancel_at_period_end with customer.subscription.updated and previous_attributes', async () => {
    const subscription = await subscribe(t);
    const marker = await latestEventId(t.stripe);
    const updated = await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(updated).toMatchObject({
      cancel_at_period_end: true,
      status: 'active',
      cancel_at: updated.items.data[0]?.current_period_end,
    });
    expect(updated.cancellation_details?.reason).toBe('cancellation_requested');
    const [event, ...rest] = await eventsSince(t.stripe, marker);
    expect(rest).toEqual([]);
    expect(event?.type).toBe('customer.subscription.updated');
    expect(event?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });

    const undone = await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    expect(undone).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });
  });

  it('swaps an item price via items[0][id] + items[0][price], and merges metadata', async () => {
    const subscription = await subscribe(t);
    const itemId = subscription.items.data[0]?.id ?? '';
    const updated = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: 'price_pro_yearly' }],
      metadata: { seats: '2' },
    });
    expect(updated.items.data).toHaveLength(1);
    expect(updated.items.data[0]).toMatchObject({
      id: itemId,
      price: { id: 'price_pro_yearly' },
      plan: { interval: 'year' },
    });
    expect(updated.metadata).toEqual({ seats: '2' });
    const cleared = await t.stripe.subscriptions.update(subscription.id, { metadata: { seats: '' } });
    expect(cleared.metadata).toEqual({});
  });

  it('rejects unknown items and prices with Stripe errors', async () => {
    const subscription = await subscribe(t);
    await expect(
      t.stripe.subscriptions.update(subscription.id, { items: [{ id: 'si_nope', price: 'price_pro_yearly' }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'items[0][id]',
    });
    await expect(
      t.stripe.subscriptions.update(subscription.id, { items: [{ price: 'price_one_time_setup' }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'items[0][price]',
    });
    await expect(t.stripe.subscriptions.retrieve('sub_nope')).rejects.toMatchObject({ statusCode: 404, param: 'id' });
  });

  it('cancels immediately with DELETE and customer.subscription.deleted', async () => {
    const subscription = await subscribe(t);
    const marker = await latestEventId(t.stripe);
    const canceled = await t.stripe.subscriptions.cancel(subscription.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.ended_at).not.toBeNull();
    expect(canceled.canceled_at).not.toBeNull();
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual(['customer.subscription.deleted']);
    await expect(t.stripe.subscriptions.cancel(subscription.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('pauses (test helper) and resumes with customer.subscription.paused / resumed', async () => {
    const subscription = await subscribe(t);
    await expect(t.stripe.subscriptions.resume(subscription.id)).rejects.toMatchObject({ statusCode: 400 });
    const marker = await latestEventId(t.stripe);
    const paused = await testHelper(`${subscription.id}/pause`);
    expect(((await paused.json()) as Stripe.Subscription).status).toBe('paused');
    const resumed = await t.stripe.subscriptions.resume(subscription.id);
    expect(resumed.status).toBe('active');
    const types = (await eventsSince(t.stripe, marker)).map((event) => event.type);
    expect(types.slice(0, 4)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.paused',
      'customer.subscription.resumed',
      'customer.subscription.updated',
    ]);
    expect(types).toContain('invoice.paid');
  });

  it('marks a subscription past_due with invoice.payment_failed and customer.subscription.updated', async () => {
    const subscription = await subscribe(t);
    const marker = await latestEventId(t.stripe);
    const response = await testHelper(`${subscription.id}/mark_past_due`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Stripe.Subscription).status).toBe('past_due');
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    expect(events[3]?.data.previous_attributes).toMatchObject({ status: 'active' });
    expect(events[2]?.data.object).toMatchObject({ status: 'open', attempted: true, amount_paid: 0 });
  });

  it('lists by customer and status, leaving canceled ones out by default', async () => {
    const subscription = await subscribe(t, { customer_email: 'list@example.com' });
    const customer = String(subscription.customer);
    expect((await t.stripe.subscriptions.list({ customer })).data.map((s) => s.id)).toEqual([subscription.id]);
    await t.stripe.subscriptions.cancel(subscription.id);
    expect((await t.stripe.subscriptions.list({ customer })).data).toEqual([]);
    expect((await t.stripe.subscriptions.list({ customer, status: 'canceled' })).data.map((s) => s.id)).toEqual([
      subscription.id,
    ]);
    expect((await t.stripe.subscriptions.list({ customer, status: 'all' })).data).toHaveLength(1);
  });
});

describe('billing portal', () => {
  async function cancelInPortal(subscription: Stripe.Subscription): Promise<Response> {
    const session = await t.stripe.billingPortal.sessions.create({ customer: String(subscription.customer) });
    return fetch(`${session.url}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subscription.id }).toString(),
    });
  }

  it('creates a session whose page lists subscriptions and cancels at period end (classic billing)', async () => {
    const subscription = await subscribe(t, {
      customer_email: 'portal@example.com',
      subscription_data: { billing_mode: { type: 'classic' } },
    });
    const customer = String(subscription.customer);
    const session = await t.stripe.billingPortal.sessions.create({ customer, return_url: 'http://app.test/account' });
    expect(session).toMatchObject({
      object: 'billing_portal.session',
      customer,
      return_url: 'http://app.test/account',
      livemode: false,
    });
    expect(session.id).toMatch(/^bps_/);
    expect(session.url).toBe(`${t.emulator.url}/p/session/${session.id}`);

    const html = await (await fetch(session.url)).text();
    expect(html).toContain('<h2>Pro</h2>');
    expect(html).toContain('$29.00 / month');
    expect(html).toContain('<a href="http://app.test/account">Return</a>');
    expect(html).toMatch(/<button type="submit">Cancel subscription<\/button>/);

    const marker = await latestEventId(t.stripe);
    const response = await fetch(`${session.url}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subscription.id }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/p/session/${session.id}`);
    expect(await t.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      cancel_at_period_end: true,
      cancel_at: subscription.items.data[0]?.current_period_end,
    });
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual(['customer.subscription.updated']);
    expect(await (await fetch(session.url)).text()).toContain('Cancels on');
  });

  it('cancels a flexible-billing subscription with cancel_at at the period end, cancel_at_period_end left false', async () => {
    const subscription = await subscribe(t, { customer_email: 'flexible@example.com' });
    const periodEnd = subscription.items.data[0]?.current_period_end;
    const marker = await latestEventId(t.stripe);
    expect((await cancelInPortal(subscription)).status).toBe(303);
    const cancelled = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(cancelled).toMatchObject({
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: periodEnd,
      canceled_at: expect.any(Number),
      cancellation_details: { reason: 'cancellation_requested' },
    });
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual(['customer.subscription.updated']);
    expect(events[0]?.data.previous_attributes).toMatchObject({ cancel_at: null, canceled_at: null });

    const session = await t.stripe.billingPortal.sessions.create({ customer: String(subscription.customer) });
    const html = await (await fetch(session.url)).text();
    expect(html).toContain('Cancels on');
    expect(html).not.toContain('Cancel subscription</button>');

    // Clearing cancel_at, as an app's "keep my subscription" does, lets it renew again.
    const kept = await t.stripe.subscriptions.update(subscription.id, { cancel_at: '' });
    expect(kept).toMatchObject({ cancel_at: null, cancel_at_period_end: false, canceled_at: null });
  });

  it('requires an existing customer', async () => {
    await expect(t.stripe.billingPortal.sessions.create({ customer: 'cus_nope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'customer',
    });
  });
});

describe('POST /v1/subscription_items/:id', () => {
  it('merges metadata into the item, announced as customer.subscription.updated', async () => {
    const subscription = await subscribe(t);
    const item = subscription.items.data[0];
    if (!item) throw new Error('no item');
    const marker = await latestEventId(t.stripe);
    const updated = await t.stripe.subscriptionItems.update(item.id, { metadata: { seat: 'owner' } });
    expect(updated).toMatchObject({ id: item.id, object: 'subscription_item', metadata: { seat: 'owner' } });
    expect((await t.stripe.subscriptionItems.retrieve(item.id)).metadata).toEqual({ seat: 'owner' });
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual(['customer.subscription.updated']);
    expect(events[0]?.data.previous_attributes).toHaveProperty('items');
  });

  it('refuses what it does not act on (quantity: change it through the subscription) and unknown items', async () => {
    const subscription = await subscribe(t);
    const item = subscription.items.data[0];
    if (!item) throw new Error('no item');
    await expect(t.stripe.subscriptionItems.update(item.id, { quantity: 3 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'emulator_parameter_unsupported',
      param: 'quantity',
    });
    await expect(t.stripe.subscriptionItems.update('si_missing', { metadata: { a: 'b' } })).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });
});
