/**
 * Calls a developer gets wrong: a body field the API does not know is refused, naming the field, the
 * way Stripe refuses an unknown parameter (a misspelt `promotion_code` must not become a full-price
 * checkout that looks fine), and a wrong method says which methods the route takes.
 */
import { testDatabaseKinds } from '@subkit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRoutes } from '../src/rest/routes';
import { request, SEED_ORIGIN, type Stack, signUp, startStack } from './harness';

const CHECKOUT = {
  priceId: 'price_1ABC123XYZ',
  successUrl: `${SEED_ORIGIN}/dashboard?checkout=success`,
  cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
};

describe('request bodies', () => {
  it('every POST route with a body refuses a field it does not define', () => {
    const bodies = restRoutes.filter((route) => route.method === 'POST' && route.input);
    expect(bodies.length).toBeGreaterThan(5);
    for (const route of bodies) {
      const result = route.input?.safeParse({ notAField: 1 });
      const codes = result?.success ? [] : result?.error.issues.map((issue) => issue.code);
      expect(codes, route.url).toContain('unrecognized_keys');
    }
  });
});

describe.each(testDatabaseKinds())('misuse over HTTP (%s)', (kind) => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack(kind);
    ({ token } = await signUp(stack.server.url));
  });
  afterAll(() => stack.close());

  const sessionsCreated = () => stack.emulator.stats().byEndpoint['POST /v1/checkout/sessions'] ?? 0;

  it('answers a misspelt checkout field with 400 naming it over REST, and starts no checkout', async () => {
    const before = sessionsCreated();
    const response = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token,
      body: { ...CHECKOUT, promotion_code: 'FRIEND20' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      success: false,
      error: { code: 'BAD_REQUEST', message: 'Unrecognized key: "promotion_code"' },
    });
    expect(sessionsCreated()).toBe(before);
  });

  it('answers a misspelt checkout field with 400 naming it over tRPC, and starts no checkout', async () => {
    const before = sessionsCreated();
    const response = await request(stack.server.url, 'POST', '/trpc/billing.createCheckout', {
      token,
      body: { ...CHECKOUT, promotion_code: 'FRIEND20' },
    });
    expect(response.status).toBe(400);
    expect((response.body as { error: { message: string } }).error.message).toContain(
      'Unrecognized key: "promotion_code"',
    );
    expect(sessionsCreated()).toBe(before);
  });

  it('answers a wrong method on a REST route with 405, Allow and the envelope', async () => {
    const response = await request(stack.server.url, 'GET', '/api/billing/checkout', { token });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.body).toEqual({
      success: false,
      error: {
        code: 'METHOD_NOT_SUPPORTED',
        message: 'Route GET /api/billing/checkout not found: it answers POST',
      },
    });
    const unknown = await request(stack.server.url, 'GET', '/api/billing/nothing-here', { token });
    expect(unknown.status).toBe(404);
  });
});
