/**
 * better-auth's Stripe plugin (`@better-auth/stripe`, from npm, unchanged) against the emulator: the
 * flow an app built on it goes through, over real HTTP on both sides. better-auth runs in a local
 * HTTP server with its in-memory adapter; the app registers its webhook endpoint through
 * `/v1/webhook_endpoints` and the emulator delivers signed webhooks to the plugin's own handler; hosted pages are used as a person would (load the page, press its button).
 *
 * The plugin swallows most Stripe failures into its logger (a failed `customers.search` silently falls
 * back to `customers.list`, a webhook handler that throws only logs), so every step also checks that
 * better-auth logged no warning or error.
 */
import http from 'node:http';
import { stripe as stripePlugin } from '@better-auth/stripe';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { toNodeHandler } from 'better-auth/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers';
import { submitPageForm } from './browser';

const DAY = 24 * 60 * 60;

interface SubscriptionRow {
  id: string;
  plan: string;
  referenceId: string;
  stripeCustomerId?: string;
  stripeSubscriptionId?: string;
  status: string;
  periodStart?: Date;
  periodEnd?: Date;
  cancelAtPeriodEnd?: boolean;
  cancelAt?: Date | null;
  billingInterval?: string;
  stripeScheduleId?: string | null;
}

interface App {
  baseUrl: string;
  db: { user: { id: string; email: string; stripeCustomerId?: string }[]; subscription: SubscriptionRow[] };
  /** Warnings and errors better-auth logged. */
  problems: string[];
  close(): Promise<void>;
}

/** An app made of better-auth and its Stripe plugin, configured as the plugin's docs show. */
async function startApp(t: TestEmulator): Promise<App> {
  const db: App['db'] & Record<string, unknown[]> = {
    user: [],
    session: [],
    account: [],
    verification: [],
    subscription: [],
  };
  const problems: string[] = [];
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  // The app registers its webhook URL as in production, and verifies with that endpoint's secret.
  const endpoint = await t.stripe.webhookEndpoints.create({
    url: `${baseUrl}/api/auth/stripe/webhook`,
    enabled_events: [
      'checkout.session.completed',
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ],
  });

  const auth = betterAuth({
    baseURL: baseUrl,
    secret: 'a-test-secret-that-is-long-enough-for-better-auth',
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: {
      log: (level, message) => {
        if (level === 'warn' || level === 'error') problems.push(`${level}: ${message}`);
      },
    },
    plugins: [
      stripePlugin({
        stripeClient: t.stripe,
        stripeWebhookSecret: endpoint.secret ?? '',
        createCustomerOnSignUp: true,
        subscription: {
          enabled: true,
          plans: [
            { name: 'starter', priceId: 'price_starter_monthly' },
            { name: 'pro', priceId: 'price_1ABC123XYZ', annualDiscountPriceId: 'price_pro_yearly' },
          ],
        },
      }),
    ],
  });
  server.on('request', toNodeHandler(auth));
  return {
    baseUrl,
    db,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestEmulator;
let app: App;
/** The signed-in user's session cookie. */
let cookie = '';

beforeAll(async () => {
  t = await startTestEmulator();
  app = await startApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.emulator.close();
});

/** A call to better-auth's API as the app's front end makes it: JSON, the session cookie, the app's origin. */
async function authCall(method: 'GET' | 'POST', path: string, body?: object): Promise<Response> {
  return fetch(`${app.baseUrl}/api/auth${path}`, {
    method,
    redirect: 'manual',
    headers: {
      Origin: app.baseUrl,
      Cookie: cookie,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function authJson<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const response = await authCall(method, path, body);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

function userRow() {
  const [user] = app.db.user;
  if (!user) throw new Error('no user signed up');
  return user;
}

function subscriptionRow(): SubscriptionRow {
  const [row, ...others] = app.db.subscription;
  if (!row || others.length > 0) throw new Error(`expected one subscription row, found ${app.db.subscription.length}`);
  return row;
}

/** Waits for the webhooks the last steps caused to reach better-auth, then checks it logged no problem. */
async function settled(): Promise<void> {
  await t.emulator.flushWebhooks();
  const failed = t.emulator.webhookDeliveries().filter((delivery) => delivery.status !== 200);
  expect(failed).toEqual([]);
  expect(app.problems.splice(0)).toEqual([]);
}

describe('better-auth with @better-auth/stripe', () => {
  /** The hosted checkout page of the upgrade in step 2. */
  let paying = '';

  it('1. sign-up creates a Stripe customer, found by customers.search first', async () => {
    const response = await fetch(`${app.baseUrl}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { Origin: app.baseUrl, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' }),
    });
    expect(response.status).toBe(200);
    cookie = response.headers
      .getSetCookie()
      .map((header) => header.split(';')[0])
      .join('; ');
    await settled();
    const { stripeCustomerId } = userRow();
    expect(stripeCustomerId).toMatch(/^cus_/);
    const customer = await t.stripe.customers.retrieve(stripeCustomerId ?? '');
    expect(customer).toMatchObject({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { userId: userRow().id, customerType: 'user' },
    });
    expect(t.emulator.stats().byEndpoint['GET /v1/customers/search']).toBe(1);
  });

  it('2. upgrade creates a checkout session for the plan, tied to the customer and a pending row', async () => {
    const session = await authJson<{ id: string; url: string; customer: string; redirect: boolean }>(
      'POST',
      '/subscription/upgrade',
      { plan: 'starter', successUrl: `${app.baseUrl}/dashboard`, cancelUrl: `${app.baseUrl}/pricing` },
    );
    expect(session.id).toMatch(/^cs_/);
    expect(session.customer).toBe(userRow().stripeCustomerId);
    expect(subscriptionRow()).toMatchObject({ plan: 'starter', status: 'incomplete' });
    const items = await t.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((item) => item.price?.id)).toEqual(['price_starter_monthly']);
    paying = session.url;
  });

  it('3. paying on the hosted page returns to the plugin, and its webhooks make the subscription active', async () => {
    const { response } = await submitPageForm(paying);
    expect(response.status).toBe(303);
    const success = response.headers.get('location') ?? '';
    expect(success).toContain(`${app.baseUrl}/api/auth/subscription/success`);
    await settled();
    // The browser follows the redirect back into the app, signed in.
    const back = await fetch(success, { redirect: 'manual', headers: { Cookie: cookie } });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${app.baseUrl}/dashboard`);
    await settled();
    const row = subscriptionRow();
    expect(row).toMatchObject({
      plan: 'starter',
      status: 'active',
      billingInterval: 'month',
      cancelAtPeriodEnd: false,
    });
    expect(row.stripeSubscriptionId).toMatch(/^sub_/);
    const stripeSubscription = await t.stripe.subscriptions.retrieve(row.stripeSubscriptionId ?? '');
    expect(row.periodEnd?.getTime()).toBe((stripeSubscription.items.data[0]?.current_period_end ?? 0) * 1000);
  });

  it('4. lists the active subscription', async () => {
    const list = await authJson<SubscriptionRow[]>('GET', '/subscription/list');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ plan: 'starter', status: 'active', priceId: 'price_starter_monthly' });
  });

  it('5. opens the billing portal for the customer', async () => {
    const { url } = await authJson<{ url: string }>('POST', '/subscription/billing-portal', {
      returnUrl: `${app.baseUrl}/account`,
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Starter');
  });

  it('6. upgrading an existing subscriber confirms the new plan in the portal, then the webhook records it', async () => {
    const { url } = await authJson<{ url: string }>('POST', '/subscription/upgrade', {
      plan: 'pro',
      successUrl: `${app.baseUrl}/dashboard`,
      cancelUrl: `${app.baseUrl}/pricing`,
      returnUrl: `${app.baseUrl}/account`,
    });
    const { page, response } = await submitPageForm(url);
    expect(page).toContain('Confirm your new plan');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${app.baseUrl}/account`);
    await settled();
    expect(subscriptionRow()).toMatchObject({ plan: 'pro', status: 'active', billingInterval: 'month' });
  });

  it('7. switching to the annual price restarts the billing cycle and invoices the year at once', async () => {
    const before = await t.stripe.subscriptions.retrieve(subscriptionRow().stripeSubscriptionId ?? '');
    const switchedNoEarlierThan = t.emulator.now();
    const { url } = await authJson<{ url: string }>('POST', '/subscription/upgrade', {
      plan: 'pro',
      annual: true,
      successUrl: `${app.baseUrl}/dashboard`,
      cancelUrl: `${app.baseUrl}/pricing`,
      returnUrl: `${app.baseUrl}/account`,
    });
    const { response } = await submitPageForm(url);
    expect(response.status).toBe(303);
    await settled();
    const row = subscriptionRow();
    expect(row).toMatchObject({ plan: 'pro', status: 'active', billingInterval: 'year' });
    const after = await t.stripe.subscriptions.retrieve(row.stripeSubscriptionId ?? '', { expand: ['latest_invoice'] });
    const item = after.items.data[0];
    const switchedAt = item?.current_period_start ?? 0;
    expect(switchedAt).toBeGreaterThanOrEqual(switchedNoEarlierThan);
    expect(switchedAt).toBeLessThanOrEqual(t.emulator.now());
    // Stripe resets the billing cycle anchor on an interval change and invoices immediately.
    expect(item?.current_period_end).toBe(switchedAt + 365 * DAY);
    expect(after.billing_cycle_anchor).toBe(switchedAt);
    const invoice = after.latest_invoice as import('stripe').Stripe.Invoice;
    expect(invoice.id).not.toBe(before.latest_invoice);
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_update' });
    expect(invoice.lines.data.some((line) => line.amount === 29000)).toBe(true);
    expect(row.periodEnd?.getTime()).toBe((switchedAt + 365 * DAY) * 1000);
  });

  it('8. cancelling goes through the portal flow; the webhook marks the row as ending', async () => {
    const { url } = await authJson<{ url: string }>('POST', '/subscription/cancel', {
      returnUrl: `${app.baseUrl}/account`,
    });
    const { page, response } = await submitPageForm(url);
    expect(page).toContain('Cancel your subscription');
    expect(response.status).toBe(303);
    await settled();
    const row = subscriptionRow();
    expect(row.status).toBe('active');
    // Flexible billing mode (the default) schedules the end with `cancel_at`, as on Stripe.
    expect(row.cancelAt?.getTime()).toBe(row.periodEnd?.getTime());
  });

  it('9. restoring clears the scheduled cancellation on Stripe and in the row', async () => {
    const restored = await authJson<{ cancel_at: number | null; cancel_at_period_end: boolean }>(
      'POST',
      '/subscription/restore',
      {},
    );
    expect(restored).toMatchObject({ cancel_at: null, cancel_at_period_end: false });
    await settled();
    expect(subscriptionRow()).toMatchObject({ cancelAt: null, cancelAtPeriodEnd: false, status: 'active' });
  });

  it('10. a downgrade scheduled at period end uses a subscription schedule and happens when the year is over', async () => {
    const { url } = await authJson<{ url: string }>('POST', '/subscription/upgrade', {
      plan: 'starter',
      scheduleAtPeriodEnd: true,
      successUrl: `${app.baseUrl}/dashboard`,
      cancelUrl: `${app.baseUrl}/pricing`,
      returnUrl: `${app.baseUrl}/account`,
    });
    expect(url).toBe(`${app.baseUrl}/account`);
    await settled();
    expect(subscriptionRow().stripeScheduleId).toMatch(/^sub_sched_/);
    expect(subscriptionRow().plan).toBe('pro');

    await t.emulator.advanceClock(366 * DAY);
    await settled();
    expect(subscriptionRow()).toMatchObject({ plan: 'starter', status: 'active', billingInterval: 'month' });
  });

  it('11. the schedule is released when its last phase ends, and the row forgets it', async () => {
    await t.emulator.advanceClock(32 * DAY);
    await settled();
    expect(subscriptionRow()).toMatchObject({ plan: 'starter', status: 'active', stripeScheduleId: null });
  });

  it('12. a cancellation at period end ends the subscription when the clock gets there', async () => {
    const { url } = await authJson<{ url: string }>('POST', '/subscription/cancel', {
      returnUrl: `${app.baseUrl}/account`,
    });
    await submitPageForm(url);
    await settled();
    await t.emulator.advanceClock(32 * DAY);
    await settled();
    expect(subscriptionRow().status).toBe('canceled');
    expect(await authJson<SubscriptionRow[]>('GET', '/subscription/list')).toEqual([]);
  });
});
