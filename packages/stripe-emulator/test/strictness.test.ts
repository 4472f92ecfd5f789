import { readFileSync } from 'node:fs';
import { STRIPE_API_VERSION } from '@subkit/stripe-api-version';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { routeStrictness } from '../src/strictness';
import { apiFetch, createSubscriptionSession, emulatorForFile, sdkFor } from './helpers';

const t = emulatorForFile();

async function sdkError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Stripe.errors.StripeError)) throw new Error(`Expected a StripeError, got ${String(error)}`);
  return error;
}

/** Parameters the SDK's types do not allow, sent on purpose. */
function unchecked<T>(params: object): T {
  return params as T;
}

describe('unknown parameters', () => {
  it('refuses an unknown top-level parameter as Stripe does, and creates nothing', async () => {
    const before = await t.stripe.customers.list({ limit: 100 });
    const error = await sdkError(
      t.stripe.customers.create(unchecked<Stripe.CustomerCreateParams>({ email: 'a@example.com', favourite: 'tea' })),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('parameter_unknown');
    expect(error.param).toBe('favourite');
    expect(error.message).toBe('Received unknown parameter: favourite');
    expect(error.raw).toMatchObject({ doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown' });
    const after = await t.stripe.customers.list({ limit: 100 });
    expect(after.data.length).toBe(before.data.length);
  });

  it('names an unknown nested parameter in bracket form, with its list index', async () => {
    const nested = await sdkError(
      createSubscriptionSession(
        t.stripe,
        unchecked<Partial<Stripe.Checkout.SessionCreateParams>>({
          subscription_data: { trial_period_days: 7, foo: 'x' },
        }),
      ),
    );
    expect(nested.code).toBe('parameter_unknown');
    expect(nested.message).toBe('Received unknown parameter: subscription_data[foo]');
    expect(nested.param).toBe('subscription_data[foo]');

    const inList = await sdkError(
      t.stripe.checkout.sessions.create(
        unchecked<Stripe.Checkout.SessionCreateParams>({
          mode: 'subscription',
          line_items: [{ price: 'price_1ABC123XYZ', quantity: 1, colour: 'blue' }],
        }),
      ),
    );
    expect(inList.message).toBe('Received unknown parameter: line_items[0][colour]');
  });

  it('refuses unknown query parameters on reads', async () => {
    const error = await sdkError(t.stripe.customers.list(unchecked<Stripe.CustomerListParams>({ colour: 'blue' })));
    expect(error.code).toBe('parameter_unknown');
    expect(error.param).toBe('colour');
  });

  it('refuses unknown parameters on the emulator’s own test helpers', async () => {
    const session = await createSubscriptionSession(t.stripe);
    const response = await apiFetch(
      t.emulator,
      'POST',
      `/v1/test_helpers/checkout/sessions/${session.id}/complete`,
      'emial=typo%40example.com',
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toMatchObject({ code: 'parameter_unknown', message: 'Received unknown parameter: emial' });
  });
});

describe('parameters Stripe accepts but the emulator does not act on', () => {
  it('refuses them with an error that names them and says the emulator does not support them', async () => {
    const error = await sdkError(t.stripe.customers.create({ email: 'a@example.com', address: { city: 'Paris' } }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('emulator_parameter_unsupported');
    expect(error.param).toBe('address');
    expect(error.message).toMatch(/^Received parameter address, which Stripe accepts here but the Stripe emulator/);
    // Not one of Stripe's error codes: no stripe.com page to point at.
    expect(error.raw).not.toHaveProperty('doc_url');
  });

  it('names nested ones in bracket form', async () => {
    const trial = await sdkError(
      createSubscriptionSession(t.stripe, {
        subscription_data: { trial_period_days: 7, description: 'Team plan' },
      }),
    );
    expect(trial.code).toBe('emulator_parameter_unsupported');
    expect(trial.param).toBe('subscription_data[description]');

    const priceData = await sdkError(
      t.stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product: 'prod_x' }, quantity: 1 }],
      }),
    );
    expect(priceData.param).toBe('line_items[0][price_data]');
  });

  it('accepts what a route declares, nested and in lists', async () => {
    const session = await createSubscriptionSession(t.stripe, {
      subscription_data: { trial_period_days: 7, metadata: { plan: 'team' } },
      metadata: { userId: 'u1' },
      client_reference_id: 'u1',
    });
    expect(session.metadata).toEqual({ userId: 'u1' });
  });
});

describe('expand', () => {
  it('refuses a path that is not an expandable property, as Stripe does', async () => {
    const customer = await t.stripe.customers.create({ email: 'expand@example.com' });
    const error = await sdkError(t.stripe.customers.retrieve(customer.id, { expand: ['bogus'] }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('This property cannot be expanded (bogus).');
    expect(error.code).toBeUndefined();
    // A property that exists but holds no id cannot be expanded either.
    const scalar = await sdkError(t.stripe.customers.retrieve(customer.id, { expand: ['email'] }));
    expect(scalar.message).toBe('This property cannot be expanded (email).');
  });

  it('asks for the data. prefix on lists and follows paths through embedded objects', async () => {
    const session = await createSubscriptionSession(t.stripe);
    const completed = await apiFetch(t.emulator, 'POST', `/v1/test_helpers/checkout/sessions/${session.id}/complete`);
    expect(completed.status).toBe(200);
    const noPrefix = await sdkError(t.stripe.subscriptions.list({ expand: ['customer'] }));
    expect(noPrefix.message).toBe(
      "This property cannot be expanded (customer). You may want to try expanding 'data.customer' instead.",
    );
    const deep = await t.stripe.subscriptions.list({ expand: ['data.customer', 'data.items.data.price.product'] });
    const [subscription] = deep.data;
    expect(typeof subscription?.customer).toBe('object');
    expect(typeof subscription?.items.data[0]?.price.product).toBe('object');
    const wrongLeaf = await sdkError(t.stripe.subscriptions.list({ expand: ['data.items.data.price.nickname'] }));
    expect(wrongLeaf.message).toBe('This property cannot be expanded (data.items.data.price.nickname).');
  });
});

describe('Stripe-Version', () => {
  it('refuses a malformed version with Stripe’s message', async () => {
    const response = await apiFetch(t.emulator, 'GET', '/v1/customers', undefined, { 'Stripe-Version': 'latest' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { type: 'invalid_request_error', message: 'Invalid Stripe API version: latest' },
    });
  });

  it('refuses another real version as an emulator limit, and serves its own', async () => {
    const older = sdkFor(t.emulator, { apiVersion: '2025-03-31.basil' as typeof STRIPE_API_VERSION });
    const error = await sdkError(older.customers.list());
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('emulator_api_version_unsupported');
    expect(error.message).toContain(STRIPE_API_VERSION);
    const pinned = sdkFor(t.emulator, { apiVersion: STRIPE_API_VERSION });
    expect((await pinned.customers.list()).object).toBe('list');
  });
});

describe('the generated list of Stripe parameters', () => {
  const generated = JSON.parse(readFileSync(new URL('../src/generated/stripe-params.json', import.meta.url), 'utf8'));

  it('holds the parameters Stripe documents, nested ones included', () => {
    const checkout = generated.operations['POST /v1/checkout/sessions'].params;
    expect(checkout.subscription_data.trial_period_days).toBe(1);
    expect(checkout.subscription_data.trial_settings.end_behavior.missing_payment_method).toBe(1);
    expect(checkout.discounts).toEqual([{ coupon: 1, promotion_code: 1 }]);
    expect(checkout.allow_promotion_codes).toBe(1);
    expect(checkout.payment_method_collection).toBe(1);
    expect(checkout.line_items[0].price).toBe(1);
    expect(generated.operations['GET /v1/customers'].params).toMatchObject({ limit: 1, email: 1 });
  });

  it('covers every operation of the resources other routes will need', () => {
    for (const operation of [
      'POST /v1/coupons',
      'POST /v1/promotion_codes',
      'POST /v1/subscriptions',
      'GET /v1/subscriptions/search',
      'POST /v1/invoices/{id}/pay',
      'POST /v1/webhook_endpoints',
      'POST /v1/test_helpers/test_clocks/{id}/advance',
      'POST /v1/setup_intents',
      'GET /v1/payment_methods',
      'POST /v1/invoiceitems',
      'POST /v1/subscription_items',
    ]) {
      expect(generated.operations, operation).toHaveProperty([operation]);
    }
  });

  it('refuses, at start, a route that declares a parameter Stripe does not accept', () => {
    expect(() => routeStrictness('POST', '/v1/customers', { supports: ['email', 'colour'] })).toThrow(
      'POST /v1/customers declares support for `colour`, which Stripe does not accept there.',
    );
  });
});
