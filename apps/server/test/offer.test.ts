/**
 * Only prices on offer are sold: PLANS (price ids or lookup keys), or with a real key and PLANS
 * unset every active recurring price in the account. PLANS is checked at start-up and by
 * /api/ready, naming a bad entry. Real HTTP, the real SDK against the emulator, a real database.
 */
import { BILLING_ERROR_CODES } from '@subkit/billing';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emulatorSdk,
  request,
  SEED_ORIGIN,
  type Stack,
  signUp,
  startLoggedServer,
  startStack,
  startTestServer,
  type TestServer,
} from './harness';

const redirects = { successUrl: `${SEED_ORIGIN}/ok`, cancelUrl: `${SEED_ORIGIN}/no` };
const sessionsCreated = (emulator: StripeEmulator) => emulator.stats().byEndpoint['POST /v1/checkout/sessions'] ?? 0;

describe.each(testDatabaseKinds())('prices on offer from PLANS (%s)', (kind) => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    // An id, a lookup key (pro_monthly names price_1ABC123XYZ) and a typo.
    stack = await startStack(kind, { PLANS: 'price_starter_monthly,pro_monthly,price_typo_monthly' });
    ({ token } = await signUp(stack.server.url));
  });
  afterAll(() => stack.close());

  const checkout = (priceId: string) =>
    request(stack.server.url, 'POST', '/api/billing/checkout', { token, body: { priceId, ...redirects } });

  it('refuses an active recurring price of the account that is not on offer, before asking Stripe for a session', async () => {
    const before = sessionsCreated(stack.emulator);
    const response = await checkout('price_pro_yearly');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: BILLING_ERROR_CODES.INVALID_PRICE });
    expect(sessionsCreated(stack.emulator)).toBe(before);
  });

  it('sells a price on offer by id and one on offer by lookup key', async () => {
    expect((await checkout('price_starter_monthly')).status).toBe(200);
    expect((await checkout('price_1ABC123XYZ')).status).toBe(200);
  });

  it('shows the plans that exist, leaving the typo out instead of failing the pricing page', async () => {
    const response = await request(stack.server.url, 'GET', '/api/billing/plans');
    expect(response.status).toBe(200);
    const plans = (response.body as { data: { priceId: string }[] }).data;
    expect(plans.map((plan) => plan.priceId)).toEqual(['price_starter_monthly', 'price_1ABC123XYZ']);
  });

  it('names the bad entry in the start-up log, and starts anyway', async () => {
    const { url, lines, close } = await startLoggedServer(stack.database, stack.emulator, {
      PLANS: 'price_starter_monthly,price_typo_monthly',
    });
    try {
      const named = () => lines.map((line) => JSON.parse(line)).find((entry) => entry.check === 'plans');
      const deadline = Date.now() + 20_000;
      while (!named() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(named()).toMatchObject({
        level: 50, // pino's error
        msg: 'PLANS entry "price_typo_monthly" does not exist in Stripe: fix PLANS',
      });
      expect((await request(url, 'GET', '/api/health')).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('reports the bad entry by name in /api/ready (503)', async () => {
    const response = await request(stack.server.url, 'GET', '/api/ready');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      status: 'not_ready',
      checks: {
        database: 'ok',
        migrations: 'ok',
        stripe: 'ok',
        plans: 'PLANS entry "price_typo_monthly" does not exist in Stripe',
      },
    });
  });
});

describe.each(testDatabaseKinds())('with a real key and PLANS unset (%s)', (kind) => {
  // An account that has never heard of the emulator's catalog ids.
  const catalog = [
    {
      product: { id: 'prod_team', name: 'Team' },
      prices: [
        { id: 'price_team_yearly', unit_amount: 99_000, currency: 'usd', recurring: { interval: 'year' as const } },
        { id: 'price_team_monthly', unit_amount: 9_900, currency: 'usd', recurring: { interval: 'month' as const } },
        {
          id: 'price_team_legacy',
          unit_amount: 4_900,
          currency: 'usd',
          recurring: { interval: 'month' as const },
          active: false,
        },
        { id: 'price_team_onboarding', unit_amount: 50_000, currency: 'usd' },
      ],
    },
  ];
  // More than one page of Stripe's list (100), so the SDK's auto-pagination is what finds them all.
  const EXTRA_PRICES = 120;
  let emulator: StripeEmulator;
  let database: TestDatabase;
  let server: TestServer;
  let stripe: Stripe;
  let token: string;

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0, catalog }), createTestDatabase(kind)]);
    stripe = emulatorSdk(emulator);
    for (let index = 0; index < EXTRA_PRICES; index++) {
      await stripe.prices.create({
        product: 'prod_team',
        unit_amount: 10_000 + index,
        currency: 'usd',
        recurring: { interval: 'month' },
      });
    }
    server = await startTestServer(database, emulator, {
      STRIPE_SECRET_KEY: emulator.secretKey,
      STRIPE_API_BASE: emulator.url,
    });
    ({ token } = await signUp(server.url));
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await Promise.all([database.destroy(), emulator.close()]);
  });

  const checkout = (priceId: string) =>
    request(server.url, 'POST', '/api/billing/checkout', { token, body: { priceId, ...redirects } });

  it('offers every active recurring price in the account, cheapest first', async () => {
    const response = await request(server.url, 'GET', '/api/billing/plans');
    expect(response.status).toBe(200);
    const plans = (response.body as { data: { priceId: string; unitAmount: number }[] }).data;
    expect(plans).toHaveLength(2 + EXTRA_PRICES);
    expect(plans[0]?.priceId).toBe('price_team_monthly');
    expect(plans.at(-1)?.priceId).toBe('price_team_yearly');
    const amounts = plans.map((plan) => plan.unitAmount);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    expect(plans.map((plan) => plan.priceId)).not.toContain('price_team_legacy');
    expect(plans.map((plan) => plan.priceId)).not.toContain('price_team_onboarding');
  });

  it('sells those and nothing else, and is ready', async () => {
    expect((await checkout('price_team_yearly')).status).toBe(200);
    expect((await checkout('price_team_legacy')).status).toBe(400);
    expect((await checkout('price_team_onboarding')).status).toBe(400);
    const ready = await request(server.url, 'GET', '/api/ready');
    expect(ready.body).toMatchObject({ status: 'ready', checks: { plans: 'ok' } });
  });

  it('answers 400 with its own words when Stripe refuses the request (a price deactivated a moment ago)', async () => {
    expect((await checkout('price_team_monthly')).status).toBe(200);
    // No webhook reaches this server, so its cache still has the price as active: Stripe refuses it.
    await stripe.prices.update('price_team_monthly', { active: false });
    const refused = await checkout('price_team_monthly');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ success: false, error: BILLING_ERROR_CODES.PROVIDER_REFUSED });
  });
});
