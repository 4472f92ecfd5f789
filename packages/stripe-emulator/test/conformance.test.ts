import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeSession,
  createSubscriptionSession,
  startTestEmulator,
  startWebhookReceiver,
  subscribe,
  type TestEmulator,
  type WebhookReceiver,
} from './helpers';

/**
 * Every route the emulator serves, driven with the real SDK, each answer held against the JSON
 * Schemas generated from the pinned stripe-node's type declarations (scripts/generate-schemas.ts),
 * and every webhook payload too: envelope, `data.object` and `data.previous_attributes`.
 */

interface GeneratedSchemas {
  responses: Record<string, object>;
  events: Record<string, string>;
  objects: Record<string, string>;
  $defs: Record<string, { properties?: Record<string, unknown> }>;
}

const generated = JSON.parse(
  readFileSync(new URL('../src/generated/stripe-schemas.json', import.meta.url), 'utf8'),
) as GeneratedSchemas;

/** `GET /v1/customers/{id}` and `GET /v1/customers/:id` both become `GET /v1/customers/*`. */
function routeKey(route: string): string {
  return route.replace(/\{[^}]+\}|:[^/]+/g, '*');
}

const responseNames = new Map(
  Object.keys(generated.responses).map((operation, index) => [routeKey(operation), `response.${index}`]),
);

/**
 * One schema document holds the generated definitions, each operation's answer and, for each object
 * an event carries, its `Partial<…>` (what `data.previous_attributes` is declared as): the same
 * properties, none required.
 */
const document = {
  $id: 'stripe',
  $defs: {
    ...generated.$defs,
    ...Object.fromEntries(
      Object.entries(generated.responses).map(([operation, schema]) => [
        responseNames.get(routeKey(operation)),
        schema,
      ]),
    ),
    ...Object.fromEntries(
      [...new Set(Object.values(generated.events))].map((name) => [
        `Partial.${name}`,
        { type: 'object', properties: generated.$defs[name]?.properties ?? {}, additionalProperties: false },
      ]),
    ),
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
ajv.addSchema(document);

function validator(definition: string): ValidateFunction {
  const validate = ajv.getSchema(`stripe#/$defs/${definition}`);
  if (!validate) throw new Error(`No schema ${definition}`);
  return validate;
}

/**
 * The JSON the emulator sent: stripe-node turns decimal strings (`unit_amount_decimal`) into
 * `Decimal`s, whose `toJSON()` gives the string back; its `lastResponse` is not enumerable.
 */
function wire(answer: unknown): unknown {
  return JSON.parse(JSON.stringify(answer));
}

/** How many Stripe objects were validated, nested ones included (a list's elements, an expanded customer). */
let objectsValidated = 0;

function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, entry) => sum + countObjects(entry), 0);
  if (value === null || typeof value !== 'object') return 0;
  const own = typeof (value as { object?: unknown }).object === 'string' ? 1 : 0;
  return own + Object.values(value).reduce((sum: number, entry) => sum + countObjects(entry), 0);
}

/** What `value` breaks of a definition, one line per error: `/items/data/0/price: must NOT have additional properties (colour)`. */
function violationsOf(definition: string, value: unknown): string[] {
  const validate = validator(definition);
  const json = wire(value);
  objectsValidated += countObjects(json);
  if (validate(json)) return [];
  return (validate.errors ?? []).map((error) => {
    const extra = 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : '';
    const allowed = 'allowedValues' in error.params ? ` ${JSON.stringify(error.params.allowedValues)}` : '';
    return `${error.instancePath || '/'}: ${error.message}${extra}${allowed}`;
  });
}

/** The definition an answer of `route` is held to: Stripe's operation, or for an emulator-only route the object it answers with. */
function definitionFor(route: string, answer: { object?: unknown }): string {
  const response = responseNames.get(routeKey(route));
  if (response) return response;
  const object = generated.objects[String(answer.object)];
  if (!object) throw new Error(`${route} answers a ${String(answer.object)}, which no generated schema describes`);
  return object;
}

let t: TestEmulator;
let receiver: WebhookReceiver;

beforeAll(async () => {
  t = await startTestEmulator();
  receiver = await startWebhookReceiver();
  // Registered as an app would in production, so payloads come through `/v1/webhook_endpoints` too.
  await t.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
});
afterAll(async () => {
  await t.emulator.close();
  await receiver.close();
});

async function served(): Promise<string[]> {
  const response = await fetch(`${t.emulator.url}/_emulator/routes`);
  return ((await response.json()) as { routes: string[] }).routes;
}

function hits(route: string): number {
  return t.emulator.stats().byEndpoint[route] ?? 0;
}

/** Ids made along the way, for the routes that need an object to act on. */
const made: Record<string, string> = {};

function id(name: string): string {
  const value = made[name];
  if (value === undefined) throw new Error(`No ${name} made yet`);
  return value;
}

/**
 * Each served route and how to drive it: the SDK call (or, for the emulator's own test helpers the
 * SDK has no method for, a form post) whose answer is validated. In this order, since later routes
 * use what earlier ones made.
 */
const drivers: [route: string, drive: () => Promise<object>][] = [
  [
    'POST /v1/webhook_endpoints',
    async () => {
      const endpoint = await t.stripe.webhookEndpoints.create({
        url: `${receiver.url}?second`,
        enabled_events: ['customer.created'],
        description: 'conformance',
        metadata: { suite: 'conformance' },
      });
      made.webhookEndpoint = endpoint.id;
      return endpoint;
    },
  ],
  ['GET /v1/webhook_endpoints', () => t.stripe.webhookEndpoints.list({ limit: 10 })],
  ['GET /v1/webhook_endpoints/:id', () => t.stripe.webhookEndpoints.retrieve(id('webhookEndpoint'))],
  [
    'POST /v1/webhook_endpoints/:id',
    () => t.stripe.webhookEndpoints.update(id('webhookEndpoint'), { description: 'renamed' }),
  ],
  ['DELETE /v1/webhook_endpoints/:id', () => t.stripe.webhookEndpoints.del(id('webhookEndpoint'))],
  [
    'POST /v1/products',
    async () => {
      const product = await t.stripe.products.create({
        name: 'Conformance',
        description: 'Validated',
        metadata: { tier: 'gold' },
        marketing_features: [{ name: 'Schemas' }],
        default_price_data: { currency: 'usd', unit_amount: 1500, recurring: { interval: 'month' } },
      });
      made.product = product.id;
      return product;
    },
  ],
  ['GET /v1/products/:id', () => t.stripe.products.retrieve(id('product'), { expand: ['default_price'] })],
  ['POST /v1/products/:id', () => t.stripe.products.update(id('product'), { description: 'Still validated' })],
  ['GET /v1/products', () => t.stripe.products.list({ limit: 100 })],
  ['GET /v1/products/search', () => t.stripe.products.search({ query: "active:'true'" })],
  [
    'POST /v1/prices',
    async () => {
      const price = await t.stripe.prices.create({
        product: id('product'),
        currency: 'usd',
        unit_amount: 15000,
        recurring: { interval: 'year' },
        lookup_key: 'conformance_yearly',
        nickname: 'Yearly',
      });
      made.price = price.id;
      return price;
    },
  ],
  ['GET /v1/prices/:id', () => t.stripe.prices.retrieve(id('price'), { expand: ['product'] })],
  ['POST /v1/prices/:id', () => t.stripe.prices.update(id('price'), { metadata: { checked: 'yes' } })],
  ['GET /v1/prices', () => t.stripe.prices.list({ limit: 100, expand: ['data.product'] })],
  ['GET /v1/prices/search', () => t.stripe.prices.search({ query: "active:'true'" })],
  [
    'POST /v1/coupons',
    async () => {
      const coupon = await t.stripe.coupons.create({
        percent_off: 10,
        duration: 'repeating',
        duration_in_months: 3,
        name: 'Ten',
        max_redemptions: 5,
      });
      made.coupon = coupon.id;
      return coupon;
    },
  ],
  ['GET /v1/coupons/:id', () => t.stripe.coupons.retrieve(id('coupon'))],
  ['POST /v1/coupons/:id', () => t.stripe.coupons.update(id('coupon'), { name: 'Ten percent' })],
  ['GET /v1/coupons', () => t.stripe.coupons.list({ limit: 100 })],
  [
    'POST /v1/promotion_codes',
    async () => {
      const code = await t.stripe.promotionCodes.create({
        promotion: { type: 'coupon', coupon: id('coupon') },
        code: 'CONFORM10',
        restrictions: { first_time_transaction: true, minimum_amount: 500, minimum_amount_currency: 'usd' },
      });
      made.promotionCode = code.id;
      return code;
    },
  ],
  ['GET /v1/promotion_codes/:id', () => t.stripe.promotionCodes.retrieve(id('promotionCode'))],
  [
    'POST /v1/promotion_codes/:id',
    () => t.stripe.promotionCodes.update(id('promotionCode'), { metadata: { campaign: 'spring' } }),
  ],
  ['GET /v1/promotion_codes', () => t.stripe.promotionCodes.list({ limit: 100 })],
  [
    'POST /v1/test_helpers/test_clocks',
    async () => {
      const clock = await t.stripe.testHelpers.testClocks.create({
        frozen_time: t.emulator.now(),
        name: 'conformance',
      });
      made.testClock = clock.id;
      return clock;
    },
  ],
  ['GET /v1/test_helpers/test_clocks/:id', () => t.stripe.testHelpers.testClocks.retrieve(id('testClock'))],
  ['GET /v1/test_helpers/test_clocks', () => t.stripe.testHelpers.testClocks.list({ limit: 10 })],
  [
    'POST /v1/customers',
    async () => {
      const customer = await t.stripe.customers.create({
        email: 'conformance@example.com',
        name: 'Ada Conformance',
        metadata: { source: 'suite' },
      });
      made.customer = customer.id;
      return customer;
    },
  ],
  ['GET /v1/customers/:id', () => t.stripe.customers.retrieve(id('customer'))],
  ['POST /v1/customers/:id', () => t.stripe.customers.update(id('customer'), { name: 'Ada C.' })],
  ['GET /v1/customers', () => t.stripe.customers.list({ limit: 100 })],
  ['GET /v1/customers/search', () => t.stripe.customers.search({ query: "email:'conformance@example.com'" })],
  [
    'POST /v1/checkout/sessions',
    async () => {
      const session = await createSubscriptionSession(t.stripe, {
        customer: id('customer'),
        customer_email: undefined,
        discounts: [{ promotion_code: id('promotionCode') }],
        subscription_data: { trial_period_days: 7, metadata: { plan: 'pro' } },
      });
      made.session = session.id;
      return session;
    },
  ],
  ['GET /v1/checkout/sessions/:id', () => t.stripe.checkout.sessions.retrieve(id('session'))],
  ['GET /v1/checkout/sessions/:id/line_items', () => t.stripe.checkout.sessions.listLineItems(id('session'))],
  [
    'POST /v1/test_helpers/checkout/sessions/:id/complete',
    async () => {
      const completed = await completeSession(t.emulator, id('session'));
      made.subscription = String(completed.subscription);
      return completed;
    },
  ],
  [
    'POST /v1/checkout/sessions/:id/expire',
    async () => {
      const session = await createSubscriptionSession(t.stripe);
      return t.stripe.checkout.sessions.expire(session.id);
    },
  ],
  ['GET /v1/checkout/sessions', () => t.stripe.checkout.sessions.list({ limit: 100, expand: ['data.subscription'] })],
  [
    'GET /v1/subscriptions/:id',
    () => t.stripe.subscriptions.retrieve(id('subscription'), { expand: ['customer', 'latest_invoice'] }),
  ],
  ['GET /v1/subscriptions', () => t.stripe.subscriptions.list({ limit: 100, status: 'all' })],
  ['GET /v1/subscriptions/search', () => t.stripe.subscriptions.search({ query: "status:'trialing'" })],
  [
    'GET /v1/subscription_items',
    async () => {
      const items = await t.stripe.subscriptionItems.list({ subscription: id('subscription') });
      made.subscriptionItem = items.data[0]?.id ?? '';
      return items;
    },
  ],
  ['GET /v1/subscription_items/:id', () => t.stripe.subscriptionItems.retrieve(id('subscriptionItem'))],
  [
    'POST /v1/subscription_items/:id',
    () => t.stripe.subscriptionItems.update(id('subscriptionItem'), { metadata: { seat: 'primary' } }),
  ],
  [
    'POST /v1/invoices/create_preview',
    () =>
      t.stripe.invoices.createPreview({
        subscription: id('subscription'),
        subscription_details: {
          items: [{ id: id('subscriptionItem'), price: 'price_pro_yearly' }],
          proration_behavior: 'create_prorations',
        },
      }),
  ],
  [
    'POST /v1/subscriptions/:id',
    () =>
      t.stripe.subscriptions.update(id('subscription'), {
        cancel_at_period_end: true,
        metadata: { reason: 'conformance' },
      }),
  ],
  [
    'POST /v1/subscriptions',
    async () => {
      const subscription = await t.stripe.subscriptions.create({
        customer: id('customer'),
        items: [{ price: 'price_starter_monthly', quantity: 2 }],
        payment_behavior: 'default_incomplete',
        expand: ['latest_invoice'],
      });
      made.openInvoice = (subscription.latest_invoice as Stripe.Invoice).id ?? '';
      made.second = subscription.id;
      return subscription;
    },
  ],
  ['POST /v1/invoices/:id/pay', () => t.stripe.invoices.pay(id('openInvoice'))],
  ['POST /v1/invoices/:id', () => t.stripe.invoices.update(id('openInvoice'), { metadata: { order: '42' } })],
  [
    'GET /v1/invoices/:id',
    () =>
      t.stripe.invoices.retrieve(id('openInvoice'), {
        expand: ['customer', 'parent.subscription_details.subscription'],
      }),
  ],
  ['GET /v1/invoices/:id/lines', () => t.stripe.invoices.listLineItems(id('openInvoice'))],
  ['GET /v1/invoices', () => t.stripe.invoices.list({ limit: 100 })],
  ['GET /v1/invoices/search', () => t.stripe.invoices.search({ query: "status:'paid'" })],
  [
    'POST /v1/credit_notes',
    async () => {
      const note = await t.stripe.creditNotes.create({
        invoice: id('openInvoice'),
        amount: 100,
        credit_amount: 100,
        reason: 'order_change',
        memo: 'Goodwill',
      });
      made.creditNote = note.id;
      return note;
    },
  ],
  ['GET /v1/credit_notes/:id', () => t.stripe.creditNotes.retrieve(id('creditNote'))],
  ['GET /v1/credit_notes/:id/lines', () => t.stripe.creditNotes.listLineItems(id('creditNote'))],
  ['GET /v1/credit_notes', () => t.stripe.creditNotes.list({ limit: 100 })],
  [
    'POST /v1/test_helpers/subscriptions/:id/fail_next_renewal',
    () => testHelper(`/v1/test_helpers/subscriptions/${id('second')}/fail_next_renewal`),
  ],
  [
    'POST /v1/test_helpers/subscriptions/:id/fail_next_payment',
    () => testHelper(`/v1/test_helpers/subscriptions/${id('second')}/fail_next_payment`),
  ],
  [
    'POST /v1/test_helpers/subscriptions/:id/mark_past_due',
    () => testHelper(`/v1/test_helpers/subscriptions/${id('second')}/mark_past_due`),
  ],
  [
    'POST /v1/subscription_schedules',
    async () => {
      const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: id('second') });
      made.schedule = schedule.id;
      return schedule;
    },
  ],
  ['GET /v1/subscription_schedules/:id', () => t.stripe.subscriptionSchedules.retrieve(id('schedule'))],
  [
    'POST /v1/subscription_schedules/:id',
    () => t.stripe.subscriptionSchedules.update(id('schedule'), { metadata: { step: 'update' } }),
  ],
  ['GET /v1/subscription_schedules', () => t.stripe.subscriptionSchedules.list({ limit: 100 })],
  ['POST /v1/subscription_schedules/:id/release', () => t.stripe.subscriptionSchedules.release(id('schedule'))],
  [
    'POST /v1/subscription_schedules/:id/cancel',
    async () => {
      const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: id('second') });
      return t.stripe.subscriptionSchedules.cancel(schedule.id);
    },
  ],
  [
    'POST /v1/billing_portal/configurations',
    async () => {
      const configuration = await t.stripe.billingPortal.configurations.create({
        features: {
          invoice_history: { enabled: true },
          subscription_cancel: { enabled: true, mode: 'at_period_end' },
          subscription_update: {
            enabled: true,
            default_allowed_updates: ['price'],
            products: [{ product: 'prod_pro', prices: ['price_1ABC123XYZ', 'price_pro_yearly'] }],
          },
        },
      });
      made.configuration = configuration.id;
      return configuration;
    },
  ],
  [
    'GET /v1/billing_portal/configurations/:id',
    () => t.stripe.billingPortal.configurations.retrieve(id('configuration')),
  ],
  [
    'POST /v1/billing_portal/configurations/:id',
    () =>
      t.stripe.billingPortal.configurations.update(id('configuration'), {
        default_return_url: 'http://app.test/account',
      }),
  ],
  ['GET /v1/billing_portal/configurations', () => t.stripe.billingPortal.configurations.list({ limit: 100 })],
  [
    'POST /v1/billing_portal/sessions',
    () =>
      t.stripe.billingPortal.sessions.create({
        customer: id('customer'),
        configuration: id('configuration'),
        return_url: 'http://app.test/account',
        flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: id('subscription') } },
      }),
  ],
  [
    'POST /v1/test_helpers/subscriptions/:id/pause',
    () => testHelper(`/v1/test_helpers/subscriptions/${id('subscription')}/pause`),
  ],
  ['POST /v1/subscriptions/:id/resume', () => t.stripe.subscriptions.resume(id('subscription'))],
  ['DELETE /v1/subscriptions/:id', () => t.stripe.subscriptions.cancel(id('subscription'))],
  [
    'POST /v1/test_helpers/test_clocks/:id/advance',
    () => t.stripe.testHelpers.testClocks.advance(id('testClock'), { frozen_time: t.emulator.now() + 86_400 }),
  ],
  ['DELETE /v1/test_helpers/test_clocks/:id', () => t.stripe.testHelpers.testClocks.del(id('testClock'))],
  ['DELETE /v1/coupons/:id', () => t.stripe.coupons.del(id('coupon'))],
  [
    'DELETE /v1/customers/:id',
    async () => {
      const customer = await t.stripe.customers.create({ email: 'leaving@example.com' });
      return t.stripe.customers.del(customer.id);
    },
  ],
  [
    'DELETE /v1/products/:id',
    async () => {
      const product = await t.stripe.products.create({ name: 'Discontinued' });
      return t.stripe.products.del(product.id);
    },
  ],
  ['GET /v1/events', () => t.stripe.events.list({ limit: 100 })],
  [
    'GET /v1/events/:id',
    async () => t.stripe.events.retrieve((await t.stripe.events.list({ limit: 1 })).data[0]?.id ?? ''),
  ],
];

/** A test helper the SDK has no method for, posted as the SDK would post it. */
async function testHelper(path: string): Promise<object> {
  const response = await fetch(`${t.emulator.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${t.emulator.secretKey}` },
  });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as object;
}

describe('conformance to the pinned stripe-node types', () => {
  it('drives every route the emulator serves, and no other', async () => {
    expect(drivers.map(([route]) => route).sort()).toEqual(await served());
  });

  for (const [route, drive] of drivers) {
    it(route, async () => {
      const before = hits(route);
      const answer = await drive();
      // The driver reached the route it stands for (not, say, a look-alike one).
      expect(hits(route)).toBeGreaterThan(before);
      expect(violationsOf(definitionFor(route, answer), answer)).toEqual([]);
    });
  }

  it('keeps conforming as time passes: trials end, periods renew, renewals fail, schedules complete', async () => {
    const trialing = await subscribe(t, { subscription_data: { trial_period_days: 5 } });
    const failing = await subscribe(t, { line_items: [{ price: 'price_starter_monthly', quantity: 1 }] });
    await testHelper(`/v1/test_helpers/subscriptions/${failing.id}/fail_next_renewal`);
    const downgrading = await subscribe(t);
    const created = await t.stripe.subscriptionSchedules.create({ from_subscription: downgrading.id });
    const phase = created.phases[0] as Stripe.SubscriptionSchedule.Phase;
    const schedule = await t.stripe.subscriptionSchedules.update(created.id, {
      end_behavior: 'release',
      phases: [
        { items: [{ price: 'price_1ABC123XYZ', quantity: 1 }], start_date: phase.start_date, end_date: phase.end_date },
        {
          items: [{ price: 'price_starter_monthly', quantity: 1 }],
          duration: { interval: 'month', interval_count: 1 },
        },
      ],
    });
    expect(violationsOf(definitionFor('POST /v1/subscription_schedules/:id', schedule), schedule)).toEqual([]);

    await t.emulator.advanceClock(75 * 86_400);

    const violations: string[] = [];
    const check = (route: string, answer: object) =>
      violations.push(...violationsOf(definitionFor(route, answer), answer).map((line) => `${route}: ${line}`));
    for (const subscription of [trialing, failing, downgrading]) {
      const now = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
      check('GET /v1/subscriptions/:id', now);
      check('GET /v1/invoices', await t.stripe.invoices.list({ subscription: subscription.id, limit: 100 }));
    }
    const ended = await t.stripe.subscriptionSchedules.retrieve(schedule.id);
    // "A subscription schedule is completed after the last phase is finished" (Stripe's schedules guide).
    expect(ended.status).toBe('completed');
    check('GET /v1/subscription_schedules/:id', ended);
    expect(violations).toEqual([]);
    expect((await t.stripe.subscriptions.retrieve(failing.id)).status).toBe('past_due');
  });

  it('sends webhook payloads whose envelope, data.object and previous_attributes conform', async () => {
    await t.emulator.flushWebhooks();
    expect(receiver.received.length).toBeGreaterThan(50);
    const violations: string[] = [];
    for (const { event } of receiver.received) {
      const full = event as unknown as Stripe.Event;
      const object = generated.events[full.type];
      const where = `${full.type} ${full.id}`;
      if (!object) {
        violations.push(`${where}: no generated schema for this event type's object`);
        continue;
      }
      violations.push(...violationsOf('EventBase', full).map((line) => `${where}: ${line}`));
      violations.push(...violationsOf(object, full.data.object).map((line) => `${where} data.object${line}`));
      if (full.data.previous_attributes !== undefined)
        violations.push(
          ...violationsOf(`Partial.${object}`, full.data.previous_attributes).map(
            (line) => `${where} data.previous_attributes${line}`,
          ),
        );
    }
    expect(violations).toEqual([]);
    process.stdout.write(
      `conformance: ${drivers.length} routes driven, ${receiver.received.length} webhook payloads ` +
        `(${new Set(receiver.received.map(({ event }) => event.type)).size} event types), ${objectsValidated} objects validated\n`,
    );
  });
});

describe('the validator', () => {
  let customer: Stripe.Customer;
  let subscription: Stripe.Subscription;
  beforeAll(async () => {
    customer = await t.stripe.customers.create({ email: 'broken@example.com' });
    subscription = await subscribe(t);
  });

  it('accepts the objects it is then shown broken', () => {
    expect(violationsOf('Customer', customer)).toEqual([]);
    expect(violationsOf('Subscription', subscription)).toEqual([]);
  });

  it('rejects a missing required field', () => {
    const { created: _created, ...broken } = customer;
    expect(violationsOf('Customer', broken)).toEqual(["/: must have required property 'created'"]);
  });

  it('rejects a wrong type', () => {
    expect(violationsOf('Customer', { ...customer, balance: '0' })).toEqual(['/balance: must be number']);
  });

  it('rejects a value outside an enum', () => {
    expect(violationsOf('Subscription', { ...subscription, status: 'sleeping' })).toEqual([
      expect.stringMatching(/^\/status: must be equal to one of the allowed values \[.*"trialing"/),
    ]);
  });

  it('rejects an invented field, nested ones included', () => {
    expect(violationsOf('Customer', { ...customer, colour: 'red' })).toEqual([
      '/: must NOT have additional properties (colour)',
    ]);
    const item = subscription.items.data[0] as Stripe.SubscriptionItem;
    const invented = {
      ...subscription,
      items: { ...subscription.items, data: [{ ...item, price: { ...item.price, colour: 'red' } }] },
    };
    expect(violationsOf('Subscription', invented)).toEqual([
      '/items/data/0/price: must NOT have additional properties (colour)',
    ]);
  });
});
