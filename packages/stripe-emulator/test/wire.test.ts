import { STRIPE_API_VERSION } from '@subkit/stripe-api-version';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { apiFetch, createSubscriptionSession, emulatorForFile } from './helpers';

const t = emulatorForFile();

interface ErrorBody {
  error: { type: string; code?: string; message: string; param?: string; doc_url?: string };
}

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const body = (await response.json()) as ErrorBody;
  return body.error;
}

async function sdkError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Stripe.errors.StripeError)) throw new Error(`expected a StripeError, got ${String(error)}`);
  return error;
}

describe('authentication', () => {
  it('rejects a request without a key with 401', async () => {
    const response = await fetch(`${t.emulator.url}/v1/prices`);
    expect(response.status).toBe(401);
    const error = await errorOf(response);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/You did not provide an API key/);
  });

  it('rejects malformed and live keys with 401', async () => {
    for (const key of ['pk_test_123', 'not-a-key', 'sk_live_abcdef123456']) {
      const response = await fetch(`${t.emulator.url}/v1/prices`, { headers: { Authorization: `Bearer ${key}` } });
      expect(response.status).toBe(401);
      const error = await errorOf(response);
      expect(error).toMatchObject({ type: 'invalid_request_error', code: 'api_key_invalid' });
      expect(error.message).toMatch(/^Invalid API Key provided: /);
    }
  });

  it('echoes only the last four characters of a rejected key', async () => {
    const response = await fetch(`${t.emulator.url}/v1/prices`, {
      headers: { Authorization: 'Bearer sk_live_abcdef123456' },
    });
    expect((await errorOf(response)).message).toMatch(/^Invalid API Key provided: sk_live_\*{8}3456\b/);
  });

  it('surfaces as StripeAuthenticationError in the SDK', async () => {
    const stripe = new Stripe('sk_live_nope1234', { host: '127.0.0.1', port: t.emulator.port, protocol: 'http' });
    const error = await sdkError(stripe.prices.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
  });

  it('accepts any sk_test_ key, as Bearer or as the Basic auth username', async () => {
    const bearer = await fetch(`${t.emulator.url}/v1/prices`, {
      headers: { Authorization: 'Bearer sk_test_anything' },
    });
    expect(bearer.status).toBe(200);
    const basic = await fetch(`${t.emulator.url}/v1/prices`, {
      headers: { Authorization: `Basic ${Buffer.from('sk_test_anything:').toString('base64')}` },
    });
    expect(basic.status).toBe(200);
  });
});

describe('wire format', () => {
  it('answers with Stripe headers and the Stripe-Version it speaks', async () => {
    const response = await apiFetch(t.emulator, 'GET', '/v1/prices/price_1ABC123XYZ', undefined, {
      'Stripe-Version': STRIPE_API_VERSION,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_\w+$/);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('stripe-version')).toBe(STRIPE_API_VERSION);
    const unversioned = await apiFetch(t.emulator, 'GET', '/v1/prices/price_1ABC123XYZ');
    expect(unversioned.headers.get('stripe-version')).toBe(STRIPE_API_VERSION);
  });

  it('decodes bracket-nested form bodies', async () => {
    const body = new URLSearchParams({
      email: 'nested@example.com',
      'metadata[plan]': 'pro',
      'metadata[seats]': '3',
    }).toString();
    const response = await apiFetch(t.emulator, 'POST', '/v1/customers', body);
    expect(response.status).toBe(200);
    const customer = (await response.json()) as Stripe.Customer;
    expect(customer.id).toMatch(/^cus_/);
    expect(customer.metadata).toEqual({ plan: 'pro', seats: '3' });
    expect(customer.livemode).toBe(false);
  });

  it('serves the seeded catalog with the exact ids the product relies on', async () => {
    const pro = await t.stripe.prices.retrieve('price_1ABC123XYZ');
    expect(pro).toMatchObject({
      object: 'price',
      product: 'prod_pro',
      unit_amount: 2900,
      currency: 'usd',
      lookup_key: 'pro_monthly',
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed', trial_period_days: null },
    });
    expect(String(pro.unit_amount_decimal)).toBe('2900');
    const yearly = await t.stripe.prices.retrieve('price_pro_yearly');
    expect(yearly).toMatchObject({ unit_amount: 29000, lookup_key: 'pro_yearly', recurring: { interval: 'year' } });
    expect(await t.stripe.prices.retrieve('price_starter_monthly')).toMatchObject({
      product: 'prod_starter',
      unit_amount: 900,
    });
    expect(await t.stripe.prices.retrieve('price_legacy_inactive')).toMatchObject({
      active: false,
      product: 'prod_starter',
    });
    expect(await t.stripe.prices.retrieve('price_one_time_setup')).toMatchObject({
      type: 'one_time',
      recurring: null,
      unit_amount: 4900,
      product: 'prod_setup',
    });
    expect(await t.stripe.products.retrieve('prod_pro')).toMatchObject({
      object: 'product',
      name: 'Pro',
      description: 'For teams that bill customers every day.',
      marketing_features: [{ name: 'Unlimited projects' }, { name: 'Report export' }, { name: 'Priority support' }],
      active: true,
    });
  });

  it('filters prices by lookup_keys, active, type and product, and expands data.product', async () => {
    const byKey = await t.stripe.prices.list({
      lookup_keys: ['pro_monthly', 'starter_monthly'],
      expand: ['data.product'],
    });
    expect(byKey.data.map((price) => price.id).sort()).toEqual(['price_1ABC123XYZ', 'price_starter_monthly']);
    const product = byKey.data[0]?.product;
    expect(typeof product === 'object' && product !== null && 'name' in product ? product.name : undefined).toMatch(
      /Pro|Starter/,
    );

    const inactive = await t.stripe.prices.list({ active: false });
    expect(inactive.data.map((price) => price.id)).toContain('price_legacy_inactive');
    expect(inactive.data.every((price) => !price.active)).toBe(true);
    const oneTime = await t.stripe.prices.list({ type: 'one_time' });
    expect(oneTime.data.map((price) => price.id)).toEqual(['price_one_time_setup']);
    const starter = await t.stripe.prices.list({ product: 'prod_starter' });
    expect(starter.data.map((price) => price.id).sort()).toEqual(['price_legacy_inactive', 'price_starter_monthly']);
  });

  it('paginates newest first with starting_after, which the SDK auto-pagination uses', async () => {
    for (let i = 0; i < 5; i++)
      await t.stripe.customers.create({ email: `page-${i}@example.com`, metadata: { batch: 'paging' } });
    const firstPage = await t.stripe.customers.list({ limit: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.data[0]?.email).toBe('page-4@example.com');
    const all: string[] = [];
    for await (const customer of t.stripe.customers.list({ limit: 2 })) {
      if (customer.metadata.batch === 'paging') all.push(customer.email ?? '');
    }
    expect(all).toEqual([
      'page-4@example.com',
      'page-3@example.com',
      'page-2@example.com',
      'page-1@example.com',
      'page-0@example.com',
    ]);
  });

  it('creates, updates and filters customers by email', async () => {
    const customer = await t.stripe.customers.create({ email: 'grace@example.com', name: 'Grace' });
    const updated = await t.stripe.customers.update(customer.id, { name: 'Grace Hopper', metadata: { team: 'navy' } });
    expect(updated).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', metadata: { team: 'navy' } });
    const found = await t.stripe.customers.list({ email: 'grace@example.com' });
    expect(found.data.map((c) => c.id)).toEqual([customer.id]);
  });

  it('creates and updates products and prices', async () => {
    const product = await t.stripe.products.create({ name: 'Team', metadata: { tier: '3' } });
    expect(product.id).toMatch(/^prod_/);
    const price = await t.stripe.prices.create({
      product: product.id,
      unit_amount: 4900,
      currency: 'usd',
      recurring: { interval: 'month' },
      lookup_key: 'team_monthly',
    });
    expect(price).toMatchObject({
      id: expect.stringMatching(/^price_/),
      type: 'recurring',
      lookup_key: 'team_monthly',
    });
    const deactivated = await t.stripe.prices.update(price.id, { active: false, metadata: { retired: 'yes' } });
    expect(deactivated).toMatchObject({ active: false, metadata: { retired: 'yes' } });
    const renamed = await t.stripe.products.update(product.id, { name: 'Teams' });
    expect(renamed.name).toBe('Teams');
    expect(renamed.marketing_features).toEqual([]);
    const featured = await t.stripe.products.update(product.id, {
      marketing_features: [{ name: 'SSO' }, { name: 'Audit log' }],
    });
    expect(featured.marketing_features).toEqual([{ name: 'SSO' }, { name: 'Audit log' }]);
    // The list is replaced as a whole, and an empty value clears it.
    expect((await t.stripe.products.update(product.id, { name: 'Teams' })).marketing_features).toHaveLength(2);
    expect((await t.stripe.products.update(product.id, { marketing_features: '' })).marketing_features).toEqual([]);
    await expect(
      t.stripe.products.create({ name: 'Broken', marketing_features: [{ name: '' }] }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'marketing_features[0][name]' });
    const events = await t.stripe.events.list({ type: 'price.*' });
    expect(events.data.map((event) => event.type)).toEqual(expect.arrayContaining(['price.created', 'price.updated']));
  });

  it('expands customer, subscription, line_items and items.data.price.product', async () => {
    const customer = await t.stripe.customers.create({ email: 'expand@example.com' });
    const session = await createSubscriptionSession(t.stripe, { customer: customer.id, customer_email: undefined });
    const expanded = await t.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['customer', 'line_items'],
    });
    expect(typeof expanded.customer === 'object' && expanded.customer?.id).toBe(customer.id);
    expect(expanded.line_items?.data[0]).toMatchObject({
      object: 'item',
      quantity: 1,
      amount_total: 2900,
      price: { id: 'price_1ABC123XYZ' },
    });
    const plain = await t.stripe.checkout.sessions.retrieve(session.id);
    expect(plain.customer).toBe(customer.id);
    expect(plain.line_items).toBeUndefined();
  });
});

describe('errors in Stripe shape', () => {
  it('404s unknown routes with Unrecognized request URL', async () => {
    const response = await apiFetch(t.emulator, 'GET', '/v1/nope/123');
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/nope\/123\)\./);
  });

  it("answers Stripe's routes it does not serve as unrecognised URLs, not as ids of missing objects", async () => {
    // The SDK's own call: Stripe has the route, the emulator does not, and it serves `/v1/credit_notes/:id`.
    const error = await sdkError(t.stripe.creditNotes.preview({ invoice: 'in_missing' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe(
      'Unrecognized request URL (GET: /v1/credit_notes/preview). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
    );
    const preview = await errorOf(await apiFetch(t.emulator, 'GET', '/v1/invoices/create_preview'));
    expect(preview.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/invoices\/create_preview\)\./);
    // An id that merely is not one of those names is still looked up.
    const missing = await errorOf(await apiFetch(t.emulator, 'GET', '/v1/customers/searching'));
    expect(missing).toMatchObject({ code: 'resource_missing', message: "No such customer: 'searching'" });
  });

  it('404s a missing object with resource_missing on param id', async () => {
    const error = await sdkError(t.stripe.customers.retrieve('cus_missing'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_missing'",
    });
    const raw = await errorOf(await apiFetch(t.emulator, 'GET', '/v1/checkout/sessions/cs_test_missing'));
    expect(raw).toEqual({
      type: 'invalid_request_error',
      code: 'resource_missing',
      message: "No such checkout.session: 'cs_test_missing'",
      param: 'id',
      doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
    });
  });

  it('400s a product id that is taken with resource_already_exists', async () => {
    await t.stripe.products.create({ id: 'prod_taken', name: 'First' });
    const error = await sdkError(t.stripe.products.create({ id: 'prod_taken', name: 'Second' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'resource_already_exists', param: 'id' });
    expect((await t.stripe.products.retrieve('prod_taken')).name).toBe('First');
  });

  it('400s a missing required param with parameter_missing', async () => {
    const error = await sdkError(
      t.stripe.checkout.sessions.create({
        line_items: [{ price: 'price_1ABC123XYZ' }],
      } as Stripe.Checkout.SessionCreateParams),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      code: 'parameter_missing',
      param: 'mode',
    });
    const noItems = await sdkError(t.stripe.checkout.sessions.create({ mode: 'subscription' }));
    expect(noItems).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'line_items' });
  });

  it("400s an unknown price on session create with Stripe's message and param", async () => {
    const error = await sdkError(
      createSubscriptionSession(t.stripe, { line_items: [{ price: 'price_x', quantity: 1 }] }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      message: "No such price: 'price_x'",
      param: 'line_items[0][price]',
    });
  });

  it('400s an inactive price and a one-time price in subscription mode', async () => {
    const inactive = await sdkError(
      createSubscriptionSession(t.stripe, { line_items: [{ price: 'price_legacy_inactive', quantity: 1 }] }),
    );
    expect(inactive).toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
    expect(inactive.message).toMatch(/inactive/);
    const oneTime = await sdkError(
      createSubscriptionSession(t.stripe, {
        line_items: [
          { price: 'price_1ABC123XYZ', quantity: 1 },
          { price: 'price_one_time_setup', quantity: 1 },
        ],
      }),
    );
    expect(oneTime).toMatchObject({ statusCode: 400, param: 'line_items[1][price]' });
    expect(oneTime.message).toMatch(/`subscription` mode/);
  });

  it('400s expires_at outside 30 minutes..24 hours', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const expiresAt of [now + 60, now + 25 * 3600]) {
      const error = await sdkError(createSubscriptionSession(t.stripe, { expires_at: expiresAt }));
      expect(error).toMatchObject({ statusCode: 400, param: 'expires_at' });
    }
    const ok = await createSubscriptionSession(t.stripe, { expires_at: now + 3600 });
    expect(ok.expires_at).toBe(now + 3600);
  });

  it('enforces the metadata limits', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys((await t.stripe.customers.create({ metadata: fifty })).metadata)).toHaveLength(50);
    const cases: Record<string, string>[] = [tooMany, { ['k'.repeat(41)]: 'v' }, { key: 'v'.repeat(501) }];
    for (const metadata of cases) {
      const error = await sdkError(t.stripe.customers.create({ metadata }));
      expect(error.statusCode).toBe(400);
      expect(error.type).toBe('StripeInvalidRequestError');
      expect(error.param).toMatch(/^metadata/);
    }
    const brackets = await apiFetch(t.emulator, 'POST', '/v1/customers', 'metadata[a[b]]=1');
    expect(brackets.status).toBe(400);
    expect((await errorOf(brackets)).param).toMatch(/^metadata/);
  });

  it('creates nothing when a request is rejected', async () => {
    const before = (await t.stripe.checkout.sessions.list({ limit: 100 })).data.length;
    await sdkError(createSubscriptionSession(t.stripe, { line_items: [{ price: 'price_x' }] }));
    expect((await t.stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(before);
  });
});
