/**
 * The payment code of Vercel's Next.js SaaS starter (github.com/nextjs/saas-starter), run against the
 * emulator: the same Stripe calls, in the same order, with the same parameters, from
 * `lib/payments/stripe.ts` (commit 1981d4d89b7b8e23f397cef0a904d9de3d2f8dca),
 * `app/api/stripe/checkout/route.ts` (f3cc509a55aef2507dd81f629fd5d4301b631309) and
 * `app/api/stripe/webhook/route.ts`. Next.js and the database are replaced by a plain HTTP server
 * and an in-memory team; `redirect()` becomes a returned URL. Every Stripe call is kept as written,
 * including the starter's own quirks (its webhook handler reads `plan.product.name` from an id).
 */
import http from 'node:http';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers';
import { submitPageForm } from './browser';

const DAY = 24 * 60 * 60;

/** The starter's `teams` row, the part its payment code reads and writes. */
interface Team {
  id: number;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  stripeProductId: string | null;
  planName: string | null;
  subscriptionStatus: string | null;
}

const user = { id: 1 };
let team: Team = {
  id: 1,
  stripeCustomerId: null,
  stripeSubscriptionId: null,
  stripeProductId: null,
  planName: null,
  subscriptionStatus: null,
};

let t: TestEmulator;
let stripe: Stripe;
let BASE_URL = '';
let server: http.Server;
/** What the starter's routes logged with console.error: a failure it swallowed. */
const swallowed: string[] = [];

/** `updateTeamSubscription` from `lib/db/queries.ts`; like drizzle's `set`, undefined values are left alone. */
function updateTeamSubscription(_teamId: number, data: Partial<Team>): void {
  team = { ...team, ...Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)) };
}

function getTeamByStripeCustomerId(customerId: string): Team | null {
  return team.stripeCustomerId === customerId ? team : null;
}

// ---- lib/payments/stripe.ts ----

async function createCheckoutSession({ team, priceId }: { team: Team | null; priceId: string }): Promise<string> {
  if (!team || !user) return `/sign-up?redirect=checkout&priceId=${priceId}`;

  // The starter also sends `payment_method_types: ['card']`. At the API version pinned here Stripe's
  // SessionCreateParams no longer has it (`allowed_payment_method_types` took its place), so Stripe
  // would answer parameter_unknown, and so does the emulator: it is the one parameter left out.
  const params: Stripe.Checkout.SessionCreateParams = {
    line_items: [
      {
        price: priceId,
        quantity: 1,
      },
    ],
    mode: 'subscription',
    success_url: `${BASE_URL}/api/stripe/checkout?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${BASE_URL}/pricing`,
    customer: team.stripeCustomerId || undefined,
    client_reference_id: user.id.toString(),
    allow_promotion_codes: true,
    subscription_data: {
      trial_period_days: 14,
    },
  };
  const session = await stripe.checkout.sessions.create(params);

  return session.url ?? '';
}

async function createCustomerPortalSession(team: Team) {
  if (!team.stripeCustomerId || !team.stripeProductId) throw new Error('redirect /pricing');

  let configuration: Stripe.BillingPortal.Configuration;
  const configurations = await stripe.billingPortal.configurations.list();

  if (configurations.data.length > 0) {
    configuration = configurations.data[0] as Stripe.BillingPortal.Configuration;
  } else {
    configuration = await createPortalConfiguration(team.stripeProductId);
  }

  return stripe.billingPortal.sessions.create({
    customer: team.stripeCustomerId,
    return_url: `${BASE_URL}/dashboard`,
    configuration: configuration.id,
  });
}

/** The `else` branch of `createCustomerPortalSession`, as a function so the test can run it on its own. */
async function createPortalConfiguration(stripeProductId: string): Promise<Stripe.BillingPortal.Configuration> {
  const product = await stripe.products.retrieve(stripeProductId);
  if (!product.active) {
    throw new Error("Team's product is not active in Stripe");
  }

  const prices = await stripe.prices.list({
    product: product.id,
    active: true,
  });
  if (prices.data.length === 0) {
    throw new Error("No active prices found for the team's product");
  }

  return stripe.billingPortal.configurations.create({
    business_profile: {
      headline: 'Manage your subscription',
    },
    features: {
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price', 'quantity', 'promotion_code'],
        proration_behavior: 'create_prorations',
        products: [
          {
            product: product.id,
            prices: prices.data.map((price) => price.id),
          },
        ],
      },
      subscription_cancel: {
        enabled: true,
        mode: 'at_period_end',
        cancellation_reason: {
          enabled: true,
          options: ['too_expensive', 'missing_features', 'switched_service', 'unused', 'other'],
        },
      },
      payment_method_update: {
        enabled: true,
      },
    },
  });
}

async function handleSubscriptionChange(subscription: Stripe.Subscription) {
  const customerId = subscription.customer as string;
  const subscriptionId = subscription.id;
  const status = subscription.status;

  const team = getTeamByStripeCustomerId(customerId);

  if (!team) {
    swallowed.push(`Team not found for Stripe customer: ${customerId}`);
    return;
  }

  if (status === 'active' || status === 'trialing') {
    const plan = subscription.items.data[0]?.plan;
    updateTeamSubscription(team.id, {
      stripeSubscriptionId: subscriptionId,
      stripeProductId: plan?.product as string,
      // biome-ignore lint/correctness/noUnsafeOptionalChaining: the starter's own line, kept as written.
      planName: (plan?.product as Stripe.Product).name,
      subscriptionStatus: status,
    });
  } else if (status === 'canceled' || status === 'unpaid') {
    updateTeamSubscription(team.id, {
      stripeSubscriptionId: null,
      stripeProductId: null,
      planName: null,
      subscriptionStatus: status,
    });
  }
}

async function getStripePrices() {
  const prices = await stripe.prices.list({
    expand: ['data.product'],
    active: true,
    type: 'recurring',
  });

  return prices.data.map((price) => ({
    id: price.id,
    productId: typeof price.product === 'string' ? price.product : price.product.id,
    unitAmount: price.unit_amount,
    currency: price.currency,
    interval: price.recurring?.interval,
    trialPeriodDays: price.recurring?.trial_period_days,
  }));
}

async function getStripeProducts() {
  const products = await stripe.products.list({
    active: true,
    expand: ['data.default_price'],
  });

  return products.data.map((product) => ({
    id: product.id,
    name: product.name,
    description: product.description,
    defaultPriceId: typeof product.default_price === 'string' ? product.default_price : product.default_price?.id,
    metadata: product.metadata,
  }));
}

// ---- app/api/stripe/checkout/route.ts (GET) ----

async function checkoutRoute(sessionId: string | null): Promise<string> {
  if (!sessionId) return '/pricing';
  try {
    const session = await stripe.checkout.sessions.retrieve(sessionId, {
      expand: ['customer', 'subscription'],
    });
    if (!session.customer || typeof session.customer === 'string') {
      throw new Error('Invalid customer data from Stripe.');
    }
    const customerId = session.customer.id;
    const subscriptionId = typeof session.subscription === 'string' ? session.subscription : session.subscription?.id;
    if (!subscriptionId) {
      throw new Error('No subscription found for this session.');
    }
    const subscription = await stripe.subscriptions.retrieve(subscriptionId, {
      expand: ['items.data.price.product'],
    });
    const plan = subscription.items.data[0]?.price;
    if (!plan) {
      throw new Error('No plan found for this subscription.');
    }
    const productId = (plan.product as Stripe.Product).id;
    if (!productId) {
      throw new Error('No product ID found for this subscription.');
    }
    const userId = session.client_reference_id;
    if (!userId) {
      throw new Error("No user ID found in session's client_reference_id.");
    }
    if (Number(userId) !== user.id) throw new Error('User not found in database.');
    team = {
      ...team,
      stripeCustomerId: customerId,
      stripeSubscriptionId: subscriptionId,
      stripeProductId: productId,
      planName: (plan.product as Stripe.Product).name,
      subscriptionStatus: subscription.status,
    };
    return '/dashboard';
  } catch (error) {
    swallowed.push(`Error handling successful checkout: ${error}`);
    return '/error';
  }
}

// ---- app/api/stripe/webhook/route.ts (POST) ----

async function webhookRoute(payload: string, signature: string): Promise<number> {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(payload, signature, t.emulator.webhookSecret);
  } catch (err) {
    swallowed.push(`Webhook signature verification failed. ${err}`);
    return 400;
  }
  switch (event.type) {
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      await handleSubscriptionChange(event.data.object);
      break;
    default:
      break;
  }
  return 200;
}

beforeAll(async () => {
  t = await startTestEmulator();
  stripe = t.stripe;
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', BASE_URL);
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', async () => {
      if (request.method === 'GET' && url.pathname === '/api/stripe/checkout') {
        const location = await checkoutRoute(url.searchParams.get('session_id'));
        response.writeHead(307, { Location: new URL(location, BASE_URL).toString() }).end();
      } else if (request.method === 'POST' && url.pathname === '/api/stripe/webhook') {
        response.writeHead(await webhookRoute(body, String(request.headers['stripe-signature']))).end();
      } else {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  BASE_URL = `http://127.0.0.1:${address.port}`;
  t.emulator.addWebhookEndpoint(`${BASE_URL}/api/stripe/webhook`);
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.emulator.close();
});

async function settled(): Promise<void> {
  await t.emulator.flushWebhooks();
  expect(t.emulator.webhookDeliveries().filter((delivery) => delivery.status !== 200)).toEqual([]);
  expect(swallowed.splice(0)).toEqual([]);
}

describe('nextjs/saas-starter payment code', () => {
  it('1. the pricing page lists recurring prices with their products, and products with their default price', async () => {
    const prices = await getStripePrices();
    expect(prices).toContainEqual({
      id: 'price_1ABC123XYZ',
      productId: 'prod_pro',
      unitAmount: 2900,
      currency: 'usd',
      interval: 'month',
      trialPeriodDays: null,
    });
    expect(prices.every((price) => price.interval !== undefined)).toBe(true);
    const products = await getStripeProducts();
    expect(products).toContainEqual({
      id: 'prod_pro',
      name: 'Pro',
      description: 'For teams that bill customers every day.',
      defaultPriceId: 'price_1ABC123XYZ',
      metadata: {},
    });
    expect(products.find((product) => product.id === 'prod_starter')?.defaultPriceId).toBe('price_starter_monthly');
  });

  let checkoutUrl = '';
  it('2. checkout for a team without a Stripe customer', async () => {
    checkoutUrl = await createCheckoutSession({ team, priceId: 'price_1ABC123XYZ' });
    expect(checkoutUrl).toMatch(/\/c\/pay\/cs_test_/);
  });

  it('3. the hosted page asks for the email (no customer, no customer_email), then returns to the starter', async () => {
    const refused = await submitPageForm(checkoutUrl);
    expect(refused.response.status).toBe(400);
    const { page, response } = await submitPageForm(checkoutUrl, { email: 'owner@team.test' });
    expect(page).toContain('name="email"');
    expect(response.status).toBe(303);
    const back = await fetch(response.headers.get('location') ?? '', { redirect: 'manual' });
    expect(back.headers.get('location')).toBe(`${BASE_URL}/dashboard`);
    await settled();
    expect(team).toMatchObject({ stripeProductId: 'prod_pro', planName: 'Pro', subscriptionStatus: 'trialing' });
    const customer = await stripe.customers.retrieve(team.stripeCustomerId ?? '');
    expect(customer).toMatchObject({ email: 'owner@team.test' });
  });

  it('4. the customer portal: the configuration found by list, or the one the starter creates', async () => {
    const session = await createCustomerPortalSession(team);
    expect(session.url).toMatch(/\/p\/session\/bps_/);
    expect((await fetch(session.url)).status).toBe(200);

    const created = await createPortalConfiguration(team.stripeProductId ?? '');
    expect(created).toMatchObject({
      object: 'billing_portal.configuration',
      business_profile: { headline: 'Manage your subscription' },
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price', 'quantity', 'promotion_code'],
          proration_behavior: 'create_prorations',
          products: [{ product: 'prod_pro', prices: ['price_pro_yearly', 'price_1ABC123XYZ'] }],
        },
        subscription_cancel: {
          enabled: true,
          mode: 'at_period_end',
          cancellation_reason: { enabled: true },
        },
      },
    });
  });

  it('5. switching to the yearly price in the portal reaches handleSubscriptionChange', async () => {
    const configuration = await createPortalConfiguration(team.stripeProductId ?? '');
    const session = await stripe.billingPortal.sessions.create({
      customer: team.stripeCustomerId ?? '',
      return_url: `${BASE_URL}/dashboard`,
      configuration: configuration.id,
    });
    const choice = `${session.url}/subscriptions/${team.stripeSubscriptionId}/update`;
    const { response } = await submitPageForm(choice, { price: 'price_pro_yearly' });
    expect(response.status).toBe(303);
    await settled();
    const subscription = await stripe.subscriptions.retrieve(team.stripeSubscriptionId ?? '');
    expect(subscription.items.data[0]?.price.id).toBe('price_pro_yearly');
    // During the trial the new interval waits: the trial still ends when it would have, unbilled.
    expect(subscription.status).toBe('trialing');
    expect(subscription.items.data[0]?.current_period_end).toBe(subscription.trial_end);
    // The starter reads `plan.product.name` from an unexpanded id: planName stays as it was.
    expect(team).toMatchObject({ stripeProductId: 'prod_pro', planName: 'Pro' });
  });

  it('6. cancelling at period end in the portal, then the clock ends it and the team loses its plan', async () => {
    const session = await createCustomerPortalSession(team);
    // The portal home's form is the subscription's "Cancel subscription" button.
    const { page, response } = await submitPageForm(session.url);
    expect(page).toContain('Cancel subscription');
    expect(response.status).toBe(303);
    await settled();
    expect(team.subscriptionStatus).toBe('trialing');

    await t.emulator.advanceClock(15 * DAY);
    await settled();
    expect(team).toMatchObject({
      stripeSubscriptionId: null,
      stripeProductId: null,
      planName: null,
      subscriptionStatus: 'canceled',
    });
  });
});
