import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { completeSession, createSubscriptionSession, emulatorForFile, eventsSince, latestEventId } from './helpers';

const t = emulatorForFile();

/** Submits the hosted page's form the way a browser without JavaScript would. */
function submitPayForm(url: string, fields: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('checkout sessions', () => {
  it('creates a session shaped like the fixtures, with the hosted url', async () => {
    const session = await createSubscriptionSession(t.stripe, {
      client_reference_id: 'user_42',
      metadata: { source: 'pricing' },
      subscription_data: { metadata: { plan: 'pro' } },
      allow_promotion_codes: true,
    });
    expect(session.id).toMatch(/^cs_test_a1\w+$/);
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      customer: null,
      customer_email: 'ada@example.com',
      client_reference_id: 'user_42',
      metadata: { source: 'pricing' },
      amount_total: 2900,
      currency: 'usd',
      subscription: null,
      livemode: false,
      ui_mode: 'hosted_page',
      url: `${t.emulator.url}/c/pay/${session.id}`,
    });
    expect(session.expires_at - session.created).toBe(24 * 3600);
    const retrieved = await t.stripe.checkout.sessions.retrieve(session.id);
    expect(retrieved.id).toBe(session.id);
    const lineItems = await t.stripe.checkout.sessions.listLineItems(session.id);
    expect(lineItems.data.map((item) => item.price?.id)).toEqual(['price_1ABC123XYZ']);
  });

  it('expires an open session with checkout.session.expired, and only once', async () => {
    const marker = await latestEventId(t.stripe);
    const session = await createSubscriptionSession(t.stripe);
    const expired = await t.stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe('expired');
    expect(expired.url).toBeNull();
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual(['checkout.session.expired']);
    await expect(t.stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('lists sessions by status', async () => {
    const open = await t.stripe.checkout.sessions.list({ status: 'open', limit: 100 });
    expect(open.data.length).toBeGreaterThan(0);
    expect(open.data.every((session) => session.status === 'open')).toBe(true);
  });
});

describe('hosted checkout page', () => {
  it('shows the product, the price per interval, the email, a Pay button and a Cancel link', async () => {
    const session = await createSubscriptionSession(t.stripe);
    const response = await fetch(session.url ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<h1>Pro</h1>');
    expect(html).toContain('$29.00 / month');
    expect(html).toContain('ada@example.com');
    expect(html).toMatch(/<form method="post" action="\/c\/pay\/cs_test_\w+">/);
    expect(html).toMatch(/<button type="submit">Pay<\/button>/);
    expect(html).toContain('<a href="http://app.test/pricing">Cancel</a>');
    expect(html).not.toContain('<script');
  });

  it('pays through the form: 303 to success_url with the session id, subscription created with subscription_data metadata', async () => {
    const marker = await latestEventId(t.stripe);
    const session = await createSubscriptionSession(t.stripe, {
      subscription_data: { metadata: { plan: 'pro', seats: '5' } },
    });
    const page = await fetch(session.url ?? '');
    const action = /action="([^"]+)"/.exec(await page.text())?.[1];
    const response = await submitPayForm(new URL(action ?? '', session.url ?? '').toString());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`http://app.test/success?session_id=${session.id}`);

    const completed = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'customer'] });
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const subscription = completed.subscription as Stripe.Subscription;
    const customer = completed.customer as Stripe.Customer;
    expect(customer.email).toBe('ada@example.com');
    expect(subscription).toMatchObject({
      status: 'active',
      customer: customer.id,
      metadata: { plan: 'pro', seats: '5' },
    });
    const item = subscription.items.data[0];
    expect(item?.price.id).toBe('price_1ABC123XYZ');
    expect(item?.current_period_end).toBeGreaterThan(item?.current_period_start ?? Number.POSITIVE_INFINITY);
    expect(subscription).not.toHaveProperty('current_period_end');

    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'checkout.session.completed',
    ]);
    const invoiceCreated = events[2]?.data.object as Stripe.Invoice;
    const invoicePaid = events[4]?.data.object as Stripe.Invoice;
    expect(invoiceCreated.status).toBe('draft');
    expect(invoicePaid).toMatchObject({ status: 'paid', amount_paid: 2900, billing_reason: 'subscription_create' });
    expect(events.every((event) => event.request?.id?.startsWith('req_'))).toBe(true);
  });

  it('refuses to pay twice and shows an error page for completed and expired sessions', async () => {
    const session = await createSubscriptionSession(t.stripe);
    await completeSession(t.emulator, session.id);
    const again = await submitPayForm(session.url ?? '');
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already complete');
    const completedPage = await fetch(session.url ?? '');
    expect(completedPage.status).toBe(400);

    const expiring = await createSubscriptionSession(t.stripe);
    await t.stripe.checkout.sessions.expire(expiring.id);
    const expiredPage = await fetch(`${t.emulator.url}/c/pay/${expiring.id}`);
    expect(expiredPage.status).toBe(410);
    expect(await expiredPage.text()).toContain('expired');
  });

  it('asks for an email when the session has none and uses it for the new customer', async () => {
    const session = await createSubscriptionSession(t.stripe, { customer_email: undefined });
    const html = await (await fetch(session.url ?? '')).text();
    expect(html).toMatch(/<label for="email">Email<\/label><input id="email" name="email" type="email"/);
    await submitPayForm(session.url ?? '', { email: 'typed@example.com' });
    const completed = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] });
    expect((completed.customer as Stripe.Customer).email).toBe('typed@example.com');
    expect(completed.customer_details?.email).toBe('typed@example.com');
  });

  it('will not complete a session that has no customer and no email until one is entered', async () => {
    const session = await createSubscriptionSession(t.stripe, { customer_email: undefined });
    const marker = await latestEventId(t.stripe);

    const withoutEmail = await submitPayForm(session.url ?? '');
    expect(withoutEmail.status).toBe(400);
    const page = await withoutEmail.text();
    expect(page).toContain('An email address is required to complete this Checkout Session.');
    expect(page).toContain('<input id="email" name="email" type="email"');
    expect((await submitPayForm(session.url ?? '', { email: 'not-an-email' })).status).toBe(400);

    const viaHelper = await fetch(`${t.emulator.url}/v1/test_helpers/checkout/sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.emulator.secretKey}` },
    });
    expect(viaHelper.status).toBe(400);
    expect(await viaHelper.json()).toMatchObject({ error: { code: 'parameter_missing', param: 'email' } });
    expect(await eventsSince(t.stripe, marker)).toEqual([]);
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');

    const paid = await submitPayForm(session.url ?? '', { email: 'late@example.com' });
    expect(paid.status).toBe(303);
    const completed = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] });
    expect(completed.customer).toMatchObject({ email: 'late@example.com' });
  });
});

describe('test helper complete', () => {
  it('completes like paying and returns the session; an existing customer gets no customer.created', async () => {
    const customer = await t.stripe.customers.create({ email: 'existing@example.com' });
    const marker = await latestEventId(t.stripe);
    const session = await createSubscriptionSession(t.stripe, {
      customer: customer.id,
      customer_email: undefined,
      client_reference_id: 'u1',
    });
    const completed = await completeSession(t.emulator, session.id);
    expect(completed).toMatchObject({
      id: session.id,
      status: 'complete',
      customer: customer.id,
      client_reference_id: 'u1',
    });
    expect(completed.subscription).toMatch(/^sub_/);
    const types = (await eventsSince(t.stripe, marker)).map((event) => event.type);
    expect(types[0]).toBe('customer.subscription.created');
    expect(types).not.toContain('customer.created');
    expect(types.at(-1)).toBe('checkout.session.completed');
  });

  it('starts a trial when subscription_data.trial_period_days is set', async () => {
    const session = await createSubscriptionSession(t.stripe, { subscription_data: { trial_period_days: 14 } });
    const completed = await completeSession(t.emulator, session.id);
    const subscription = await t.stripe.subscriptions.retrieve(String(completed.subscription), {
      expand: ['latest_invoice'],
    });
    expect(subscription.status).toBe('trialing');
    expect((subscription.trial_end ?? 0) - (subscription.trial_start ?? 0)).toBe(14 * 86_400);
    expect(subscription.items.data[0]?.current_period_end).toBe(subscription.trial_end);
    expect((subscription.latest_invoice as Stripe.Invoice).amount_paid).toBe(0);
    expect(completed.payment_status).toBe('no_payment_required');
  });

  it('completes payment-mode sessions without a subscription', async () => {
    const session = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_one_time_setup', quantity: 2 }],
      success_url: 'http://app.test/done',
    });
    expect(session.amount_total).toBe(9800);
    const html = await (await fetch(session.url ?? '')).text();
    expect(html).toContain('<h1>Setup</h1>');
    expect(html).toContain('$98.00');
    const completed = await completeSession(t.emulator, session.id, 'buyer@example.com');
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid', subscription: null });
    expect(completed.customer_details?.email).toBe('buyer@example.com');
    expect(completed.payment_intent).toMatch(/^pi_/);
  });
});
