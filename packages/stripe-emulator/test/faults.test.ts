import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../src/index';
import { sdkFor, startTestEmulator, type TestEmulator } from './helpers';

let t: TestEmulator;
let noRetries: Stripe;
beforeAll(async () => {
  t = await startTestEmulator();
  noRetries = sdkFor(t.emulator, { maxNetworkRetries: 0 });
});
afterAll(() => t.emulator.close());
beforeEach(() => {
  t.emulator.setFaults([]);
  t.emulator.resetStats();
});

const CREATE = 'POST /v1/customers';
const customerCount = async () => (await t.stripe.customers.list({ limit: 100 })).data.length;

async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Stripe.errors.StripeError)) throw new Error(`expected a StripeError, got ${String(error)}`);
  return error;
}

describe('faults', () => {
  it.each(['500', '502', '503'] as const)('answers %s without applying the request', async (kind) => {
    const before = await customerCount();
    t.emulator.setFaults([{ endpoint: CREATE, rate: 1, kind }]);
    const error = await failure(noRetries.customers.create({ email: 'fault@example.com' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error.statusCode).toBe(Number(kind));
    t.emulator.setFaults([]);
    expect(await customerCount()).toBe(before);
  });

  it('answers 429 as a rate limit error that the SDK does not retry', async () => {
    t.emulator.setFaults([{ endpoint: CREATE, rate: 1, kind: '429' }]);
    const error = await failure(t.stripe.customers.create({}));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect(t.emulator.stats().byEndpoint[CREATE]).toBe(1);
  });

  it('answers 429-retry with Stripe-Should-Retry, which the SDK retries', async () => {
    t.emulator.setFaults([{ endpoint: CREATE, rate: 1, kind: '429-retry', times: 1 }]);
    const customer = await t.stripe.customers.create({ email: 'patient@example.com' });
    expect(customer.id).toMatch(/^cus_/);
    expect(t.emulator.stats().byEndpoint[CREATE]).toBe(2);
  });

  it('resets the connection without answering', async () => {
    t.emulator.setFaults([{ endpoint: CREATE, rate: 1, kind: 'reset' }]);
    const error = await failure(noRetries.customers.create({}));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it('never answers a timeout fault, so the client gives up', async () => {
    t.emulator.setFaults([{ endpoint: CREATE, rate: 1, kind: 'timeout' }]);
    const impatient = sdkFor(t.emulator, { maxNetworkRetries: 0, timeout: 200 });
    const error = await failure(impatient.customers.create({}));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(error.message).toMatch(/timeout/);
  });

  it('adds latency and then answers normally', async () => {
    t.emulator.setFaults([{ endpoint: 'GET /v1/prices/:id', rate: 1, kind: 'latency', latencyMs: 150 }]);
    const started = Date.now();
    const price = await t.stripe.prices.retrieve('price_1ABC123XYZ');
    expect(price.id).toBe('price_1ABC123XYZ');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('matches concrete paths, route patterns and "*"', async () => {
    t.emulator.setFaults([{ endpoint: 'GET /v1/prices/price_pro_yearly', rate: 1, kind: '503' }]);
    await expect(noRetries.prices.retrieve('price_pro_yearly')).rejects.toMatchObject({ statusCode: 503 });
    expect((await noRetries.prices.retrieve('price_1ABC123XYZ')).id).toBe('price_1ABC123XYZ');
    t.emulator.setFaults([{ rate: 1, kind: '503' }]);
    await expect(noRetries.products.retrieve('prod_pro')).rejects.toMatchObject({ statusCode: 503 });
    t.emulator.setFaults([{ rate: 0, kind: '503' }]);
    expect((await noRetries.products.retrieve('prod_pro')).id).toBe('prod_pro');
  });

  it.each(['500', '409', 'reset'] as const)(
    'lets stripe-node retries recover from a transient %s with one Idempotency-Key and one object',
    async (kind) => {
      const before = await customerCount();
      const keys: string[] = [];
      const client = sdkFor(t.emulator, { maxNetworkRetries: 2 });
      client.on('request', (request: Stripe.RequestEvent) => keys.push(request.idempotency_key ?? ''));
      t.emulator.setFaults([{ endpoint: CREATE, rate: 1, kind, times: 1 }]);
      const customer = await client.customers.create({ email: `recovered-${kind}@example.com` });
      expect(customer.email).toBe(`recovered-${kind}@example.com`);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
      expect(t.emulator.stats().byEndpoint[CREATE]).toBe(2);
      expect(await customerCount()).toBe(before + 1);
    },
  );

  it('parses the CLI fault syntax', () => {
    expect(parseFaultSpec('kind=503,rate=0.2,endpoint=POST /v1/checkout/sessions')).toEqual({
      kind: '503',
      rate: 0.2,
      endpoint: 'POST /v1/checkout/sessions',
    });
    expect(parseFaultSpec('kind=latency,latencyMs=300')).toEqual({ kind: 'latency', rate: 1, latencyMs: 300 });
    expect(() => parseFaultSpec('kind=teapot')).toThrow(/kind must be one of/);
  });
});
