/**
 * Calls a developer gets wrong: a body field the API does not know is refused, naming the field, the
 * way Stripe refuses an unknown parameter (a misspelt `promotion_code` must not become a full-price
 * checkout that looks fine), and a wrong method says which methods the route takes.
 */
import { gzipSync } from 'node:zlib';
import { CORE_ERROR_CODES } from '@subkit/core';
import { testDatabaseKinds } from '@subkit/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES } from '../src/http/error-codes';
import { restRoutes } from '../src/rest/routes';
import { request, SEED_ORIGIN, type Stack, signUp, startStack } from './harness';

const CHECKOUT = {
  priceId: 'price_1ABC123XYZ',
  successUrl: `${SEED_ORIGIN}/dashboard?checkout=success`,
  cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
};

describe('request bodies', () => {
  it('every POST route refuses a field it does not define, those that take none included', () => {
    const posts = restRoutes.filter((route) => route.method === 'POST');
    expect(posts.length).toBeGreaterThan(5);
    for (const route of posts) {
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

  it('refuses a body on a route that takes none, and does nothing: sign out with {"all": true} keeps the session', async () => {
    const { token: own } = await signUp(stack.server.url);
    const refused = await request(stack.server.url, 'POST', '/api/auth/logout', { token: own, body: { all: true } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      success: false,
      error: { code: 'BAD_REQUEST', message: 'Unrecognized key: "all"' },
    });
    for (const body of [null, [], 'now']) {
      const notAnObject = await request(stack.server.url, 'POST', '/api/billing/subscription/cancel', {
        token: own,
        body,
      });
      expect(notAnObject.status, JSON.stringify(body)).toBe(400);
      expect(notAnObject.body).toEqual({ success: false, error: CORE_ERROR_CODES.BODY_NOT_AN_OBJECT });
    }
    const cancel = await request(stack.server.url, 'POST', '/api/billing/subscription/cancel', {
      token: own,
      body: { now: true },
    });
    expect(cancel.status).toBe(400);
    expect(cancel.body).toEqual({ success: false, error: { code: 'BAD_REQUEST', message: 'Unrecognized key: "now"' } });
    const overTrpc = await request(stack.server.url, 'POST', '/trpc/billing.resumeSubscription', {
      token: own,
      body: { now: true },
    });
    expect(overTrpc.status).toBe(400);
    expect((overTrpc.body as { error: { message: string } }).error.message).toContain('Unrecognized key: "now"');
    expect((await request(stack.server.url, 'GET', '/api/auth/me', { token: own })).status).toBe(200);

    // No body and an empty object are both "no fields".
    expect((await request(stack.server.url, 'POST', '/api/auth/logout', { token: own, body: {} })).status).toBe(200);
    expect((await request(stack.server.url, 'GET', '/api/auth/me', { token: own })).status).toBe(401);
  });

  it('answers a path that is not valid percent-encoding with 400 in the envelope (tRPC shape under /trpc)', async () => {
    for (const path of ['/api/auth/%ZZ', '/api/billing/%E0%A4%A', '/%']) {
      const response = await request(stack.server.url, 'GET', path);
      expect(response.status, path).toBe(400);
      expect(response.body, path).toEqual({
        success: false,
        error: HTTP_ERROR_CODES.URL_NOT_DECODABLE,
      });
    }
    const trpc = await request(stack.server.url, 'POST', '/trpc/billing.%ZZ', { token, body: {} });
    expect(trpc.status).toBe(400);
    expect(trpc.body).toMatchObject({
      error: {
        message: HTTP_ERROR_CODES.URL_NOT_DECODABLE.message,
        data: { code: 'BAD_REQUEST', path: 'billing.%ZZ' },
      },
    });
  });

  it('refuses a compressed body with 415 saying to send it uncompressed, and starts no checkout', async () => {
    const before = sessionsCreated();
    const gzipped = gzipSync(JSON.stringify(CHECKOUT));
    for (const path of ['/api/billing/checkout', '/trpc/billing.createCheckout']) {
      const response = await fetch(`${stack.server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipped,
      });
      expect(response.status, path).toBe(415);
      expect(JSON.stringify(await response.json()), path).toContain(HTTP_ERROR_CODES.BODY_ENCODED.message);
    }
    expect(sessionsCreated()).toBe(before);
    const identity = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token,
      body: CHECKOUT,
      headers: { 'content-encoding': 'identity' },
    });
    expect(identity.status).toBe(200);
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
