import { BILLING_ERROR_CODES } from '@subkit/billing';
import { stripeEvents, subscriptions } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { startStripeEmulator } from '@subkit/stripe-emulator';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES } from '../src/http/error-codes';
import {
  emulatorSdk,
  ledgerDrained,
  payCheckout,
  request,
  SEED_ORIGIN,
  signUp,
  startTwoServerStack,
  type TwoServerStack,
} from './harness';

const CHECKOUT_BODY = {
  priceId: 'price_1ABC123XYZ',
  successUrl: `${SEED_ORIGIN}/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
  metadata: { plan: 'pro', referralCode: 'FRIEND20' },
};

type SubscriptionData = {
  id: string;
  status: string;
  priceId: string;
  productName: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  metadata: Record<string, string>;
} | null;

describe.each(testDatabaseKinds())('Stripe webhooks on %s', (kind) => {
  let stack: TwoServerStack;
  let stripe: Stripe;

  beforeAll(async () => {
    stack = await startTwoServerStack(kind);
    stack.emulator.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
    stripe = stack.stripe;
  });
  afterEach(() => {
    stack.emulator.setDelivery({});
    stack.emulator.setFaults([]);
  });
  afterAll(() => stack.close());

  async function subscriptionOf(token: string): Promise<SubscriptionData> {
    const response = await request(stack.server.url, 'GET', '/api/billing/subscription', { token });
    expect(response.status).toBe(200);
    return (response.body as { data: SubscriptionData }).data;
  }

  /** Signs up, checks out and pays through the emulator's test helper; returns after webhooks settle. */
  async function subscribedUser() {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: CHECKOUT_BODY,
    });
    expect(checkout.status).toBe(200);
    const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
    const session = await payCheckout(stack.emulator, sessionId);
    await stack.emulator.flushWebhooks();
    return { ...user, sessionId, subscriptionId: session.subscription as string };
  }

  async function ledger(eventType?: string) {
    const rows = await stack.database.db.select().from(stripeEvents);
    return eventType ? rows.filter((row) => row.type === eventType) : rows;
  }

  it('creates the subscription after payment on the hosted page, with the seed metadata on it', async () => {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: CHECKOUT_BODY,
    });
    const { sessionId, url } = (checkout.body as { data: { sessionId: string; url: string } }).data;
    expect(await subscriptionOf(user.token)).toBeNull();

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Pro/);
    const paid = await fetch(url, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`${SEED_ORIGIN}/dashboard?checkout=success&session_id=${sessionId}`);

    await stack.emulator.flushWebhooks();
    const subscription = await subscriptionOf(user.token);
    expect(subscription).toMatchObject({
      status: 'active',
      priceId: 'price_1ABC123XYZ',
      productName: 'Pro',
      cancelAtPeriodEnd: false,
      metadata: { plan: 'pro', referralCode: 'FRIEND20', userId: user.userId },
    });
    expect(Date.parse(subscription!.currentPeriodEnd!)).toBeGreaterThan(Date.now() + 27 * 86_400_000);
    const inStripe = await stripe.subscriptions.retrieve(subscription!.id);
    expect(inStripe.metadata).toEqual({ plan: 'pro', referralCode: 'FRIEND20', userId: user.userId });
  });

  it('refuses a second checkout while a subscription is live (409)', async () => {
    const user = await subscribedUser();
    const again = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: CHECKOUT_BODY,
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      success: false,
      error: BILLING_ERROR_CODES.SUBSCRIPTION_EXISTS,
    });
  });

  it('applies each event once when Stripe delivers everything twice', async () => {
    stack.emulator.setDelivery({ duplicate: true });
    const user = await subscribedUser();
    expect((await subscriptionOf(user.token))?.status).toBe('active');
    const events = await ledger();
    expect(events.every((event) => event.processedAt !== null)).toBe(true);
    const applied = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.userId, user.userId));
    expect(applied).toHaveLength(1);
  });

  it('ends in the right state whatever the delivery order', async () => {
    stack.emulator.setDelivery({ shuffle: true });
    const user = await subscribedUser();
    await stripe.subscriptions.update(user.subscriptionId, { cancel_at_period_end: true });
    await stripe.subscriptions.cancel(user.subscriptionId);
    await stack.emulator.flushWebhooks();
    const subscription = await subscriptionOf(user.token);
    expect(subscription?.status).toBe('canceled');
  });

  it('retries an event that failed to apply until it succeeds, without applying it twice', async () => {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: CHECKOUT_BODY,
    });
    const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
    // Stripe is "down" for reads while the events arrive: applying them fails and they are retried.
    stack.emulator.setDelivery({ retryBaseMs: 50, maxAttempts: 8 });
    stack.emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: '503' }]);
    await fetch(`${stack.emulator.url}/v1/test_helpers/checkout/sessions/${sessionId}/complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.emulator.secretKey}` },
    });
    await expect
      .poll(async () => (await ledger()).some((event) => event.processedAt === null && event.error !== null), {
        timeout: 10_000,
      })
      .toBe(true);

    stack.emulator.setFaults([]);
    await stack.emulator.flushWebhooks();
    expect((await subscriptionOf(user.token))?.status).toBe('active');
    const settled = await ledger();
    expect(settled.every((event) => event.processedAt !== null && event.error === null)).toBe(true);
    expect(settled.some((event) => event.attempts > 1)).toBe(true);
  });

  describe('signatures', () => {
    let eventId: string;
    let payload: string;
    beforeEach(() => {
      eventId = `evt_signature_${Math.random().toString(36).slice(2)}`;
      payload = JSON.stringify({
        id: eventId,
        object: 'event',
        type: 'customer.created',
        created: 1,
        data: { object: {} },
      });
    });
    const recorded = async () => (await ledger()).filter((event) => event.id === eventId);
    const post = (headers: Record<string, string>) =>
      request(stack.server.url, 'POST', '/api/billing/webhook', {
        rawBody: payload,
        headers: { 'content-type': 'application/json', ...headers },
      });

    it.each([
      ['missing', (): Record<string, string> => ({})],
      ['garbage', () => ({ 'stripe-signature': 't=1,v1=deadbeef' })],
      [
        'another secret’s',
        () => ({ 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' }) }),
      ],
    ])('refuses a %s signature (400) and stores nothing', async (_why, headers) => {
      const response = await post(headers());
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        success: false,
        error: HTTP_ERROR_CODES.INVALID_STRIPE_SIGNATURE,
      });
      expect(await recorded()).toHaveLength(0);
    });

    it('refuses a correctly signed event older than 300 seconds (replay)', async () => {
      const timestamp = Math.floor(Date.now() / 1000) - 301;
      const header = stripe.webhooks.generateTestHeaderString({
        payload,
        secret: stack.emulator.webhookSecret,
        timestamp,
      });
      const response = await post({ 'stripe-signature': header });
      expect(response.status).toBe(400);
      expect(await recorded()).toHaveLength(0);
    });

    it.each([
      ['not an event at all', { hello: 'world' }],
      [
        'an event without its creation time',
        { id: 'evt_no_created', object: 'event', type: 'customer.created', data: { object: {} } },
      ],
      [
        'an event id Stripe would not make',
        { id: 'cus_123', object: 'event', type: 'customer.created', created: 1, data: { object: {} } },
      ],
    ])('refuses a correctly signed body that is %s (400) and stores nothing', async (_what, body) => {
      const before = (await ledger()).length;
      payload = JSON.stringify(body);
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.emulator.webhookSecret });
      const response = await post({ 'stripe-signature': header });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, error: HTTP_ERROR_CODES.NOT_A_STRIPE_EVENT });
      expect(await ledger()).toHaveLength(before);
    });

    it('records an event type it does not handle, and acknowledges it', async () => {
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.emulator.webhookSecret });
      const response = await post({ 'stripe-signature': header });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ success: true, data: { received: true, outcome: 'received' } });
      expect(await ledgerDrained(stack.database)).toBe(true);
      const [row] = await recorded();
      expect(row?.processedAt).not.toBeNull();
      expect(row).toMatchObject({ outcome: 'ignored', reason: 'Subkit does not act on customer.created events' });
    });
  });

  it('acknowledges an event about a subscription Stripe does not have, recorded as ignored with the reason', async () => {
    const subscriptionId = `sub_missing_${Math.random().toString(36).slice(2)}`;
    const payload = JSON.stringify({
      id: `evt_missing_${Math.random().toString(36).slice(2)}`,
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: subscriptionId, object: 'subscription' } },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.emulator.webhookSecret });
    const deliver = () =>
      request(stack.server.url, 'POST', '/api/billing/webhook', {
        rawBody: payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
      });

    const first = await deliver();

    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ success: true, data: { received: true, outcome: 'received' } });
    expect(await ledgerDrained(stack.database)).toBe(true);
    const [row] = (await ledger('customer.subscription.updated')).filter(
      (event) => event.id === JSON.parse(payload).id,
    );
    expect(row).toMatchObject({
      outcome: 'ignored',
      reason: `Stripe has no subscription ${subscriptionId}: No such subscription: '${subscriptionId}'`,
      error: null,
      attempts: 1,
    });
    expect(row?.processedAt).not.toBeNull();
    // Stripe's redelivery is a duplicate, not another attempt.
    expect((await deliver()).body).toEqual({ success: true, data: { received: true, outcome: 'duplicate' } });
  });

  it('acknowledges every event of a payment made with another Stripe, whose subscription ours lacks', async () => {
    const elsewhere = await startStripeEmulator({ port: 0, webhookSecret: stack.emulator.webhookSecret });
    try {
      elsewhere.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
      const other = emulatorSdk(elsewhere);
      const session = await other.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: 'price_1ABC123XYZ', quantity: 1 }],
        customer_email: 'elsewhere@example.com',
        success_url: `${SEED_ORIGIN}/ok`,
        cancel_url: `${SEED_ORIGIN}/no`,
      });
      const completed = await fetch(`${elsewhere.url}/v1/test_helpers/checkout/sessions/${session.id}/complete`, {
        method: 'POST',
        headers: { authorization: `Bearer ${elsewhere.secretKey}` },
      });
      const { subscription } = (await completed.json()) as Stripe.Checkout.Session;
      await elsewhere.flushWebhooks();
      expect(await ledgerDrained(stack.database)).toBe(true);

      const deliveries = elsewhere.webhookDeliveries();
      expect(deliveries.length).toBeGreaterThan(0);
      expect(deliveries.filter((attempt) => attempt.status !== 200)).toEqual([]);
      const ids = new Set(deliveries.map((attempt) => attempt.eventId));
      const rows = (await ledger()).filter((row) => ids.has(row.id));
      const aboutSubscription = rows.filter((row) => row.type.startsWith('customer.subscription.'));
      expect(aboutSubscription.length).toBeGreaterThan(0);
      for (const row of aboutSubscription) {
        expect(row).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(`${subscription}`) });
      }
    } finally {
      await elsewhere.close();
    }
  });

  it('applies an event once when two server processes receive it at the same moment', async () => {
    const user = await subscribedUser();
    await stack.emulator.flushWebhooks();
    const payload = JSON.stringify({
      id: `evt_concurrent_${Date.now()}`,
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: user.subscriptionId, object: 'subscription' } },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.emulator.webhookSecret });
    const deliveries = await Promise.all(
      [stack.server.url, stack.second.url, stack.server.url, stack.second.url].map((base) =>
        request(base, 'POST', '/api/billing/webhook', {
          rawBody: payload,
          headers: { 'content-type': 'application/json', 'stripe-signature': header },
        }),
      ),
    );
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200]);
    const outcomes = deliveries.map((delivery) => (delivery.body as { data: { outcome: string } }).data.outcome);
    expect(outcomes.filter((outcome) => outcome !== 'duplicate')).toContain('received');
    // Applied once: one attempt, by whichever process's drain claimed it.
    expect(await ledgerDrained(stack.database)).toBe(true);
    const [row] = await stack.database.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, JSON.parse(payload).id));
    expect(row).toMatchObject({ outcome: 'applied', attempts: 1, error: null });
  });

  it('records an expired checkout session', async () => {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: CHECKOUT_BODY,
    });
    const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
    await stripe.checkout.sessions.expire(sessionId);
    await stack.emulator.flushWebhooks();
    const expired = await ledger('checkout.session.expired');
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.every((event) => event.processedAt !== null)).toBe(true);
    expect(await subscriptionOf(user.token)).toBeNull();
  });

  it('opens the billing portal for a customer, and refuses a user without one (400)', async () => {
    const user = await subscribedUser();
    const portal = await request(stack.server.url, 'POST', '/api/billing/portal', {
      token: user.token,
      body: { returnUrl: `${SEED_ORIGIN}/dashboard` },
    });
    expect(portal.status).toBe(200);
    expect((portal.body as { data: { url: string } }).data.url).toMatch(/^http/);

    const newcomer = await signUp(stack.server.url);
    const refused = await request(stack.server.url, 'POST', '/api/billing/portal', {
      token: newcomer.token,
      body: { returnUrl: `${SEED_ORIGIN}/dashboard` },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      success: false,
      error: BILLING_ERROR_CODES.NO_BILLING_ACCOUNT,
    });
  });

  it('lists the configured plans, served from cache after the first view', async () => {
    const first = await request(stack.server.url, 'GET', '/api/billing/plans');
    expect(first.status).toBe(200);
    expect((first.body as { data: unknown }).data).toEqual([
      {
        priceId: 'price_starter_monthly',
        productId: 'prod_starter',
        productName: 'Starter',
        productDescription: 'Everything you need to start charging.',
        features: ['Up to 3 projects', 'Email support'],
        unitAmount: 900,
        currency: 'usd',
        interval: 'month',
        intervalCount: 1,
      },
      {
        priceId: 'price_1ABC123XYZ',
        productId: 'prod_pro',
        productName: 'Pro',
        productDescription: 'For teams that bill customers every day.',
        features: ['Unlimited projects', 'Report export', 'Priority support'],
        unitAmount: 2900,
        currency: 'usd',
        interval: 'month',
        intervalCount: 1,
      },
      {
        priceId: 'price_pro_yearly',
        productId: 'prod_pro',
        productName: 'Pro',
        productDescription: 'For teams that bill customers every day.',
        features: ['Unlimited projects', 'Report export', 'Priority support'],
        unitAmount: 29000,
        currency: 'usd',
        interval: 'year',
        intervalCount: 1,
      },
    ]);
    const before = stack.emulator.stats().requests;
    await request(stack.server.url, 'GET', '/api/billing/plans');
    expect(stack.emulator.stats().requests).toBe(before);
  });
  // Last: it moves the emulator's clock a month ahead for everything after it.
  it('keeps cancel-at-period-end, then ends the subscription when the period is over', async () => {
    const user = await subscribedUser();
    await stripe.subscriptions.update(user.subscriptionId, { cancel_at_period_end: true });
    await stack.emulator.flushWebhooks();
    expect(await subscriptionOf(user.token)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });

    await stack.emulator.advanceClock(32 * 86_400);
    await stack.emulator.flushWebhooks();
    expect((await subscriptionOf(user.token))?.status).toBe('canceled');
  });
});
