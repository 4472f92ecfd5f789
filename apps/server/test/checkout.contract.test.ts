/**
 * Every example of the contract (../shared/seed: POST /api/billing/checkout), byte for byte in body
 * shape, code and message, through real HTTP, the real stripe SDK and the emulator.
 */
import { BILLING_ERROR_CODES, CHECKOUT_VALIDITY_SECONDS } from '@subkit/billing';
import { CORE_ERROR_CODES } from '@subkit/core';
import { testDatabaseKinds } from '@subkit/db/testing';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES } from '../src/http/error-codes';
import { request, SEED_ORIGIN, type Stack, signUp, startStack } from './harness';

// The seed's curl example, verbatim.
const CURL_EXAMPLE_BODY = {
  priceId: 'price_1ABC123XYZ',
  successUrl: 'https://app.example.com/dashboard?checkout=success',
  cancelUrl: 'https://app.example.com/pricing?checkout=cancelled',
  metadata: { plan: 'pro', referralCode: 'FRIEND20' },
};

describe.each(testDatabaseKinds())('POST /api/billing/checkout on %s', (kind) => {
  let stack: Stack;
  let stripe: Stripe;
  let user: { token: string; userId: string; email: string };

  beforeAll(async () => {
    stack = await startStack(kind);
    stripe = stack.stripe;
    user = await signUp(stack.server.url);
  });
  afterAll(() => stack.close());

  const checkout = (body: unknown, token: string | undefined = user.token) =>
    request(stack.server.url, 'POST', '/api/billing/checkout', { body, ...(token && { token }) });

  it('answers the curl example with a session id and a url (200)', async () => {
    const response = await checkout(CURL_EXAMPLE_BODY);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = response.body as { success: true; data: { sessionId: string; url: string } };
    expect(Object.keys(body)).toEqual(['success', 'data']);
    expect(body.success).toBe(true);
    expect(Object.keys(body.data).sort()).toEqual(['sessionId', 'url']);
    expect(body.data.sessionId).toMatch(/^cs_test_/);
    expect(body.data.url).toContain(body.data.sessionId);
  });

  it('creates the session the notes promise: subscription mode, 24 h, metadata on session and subscription', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await checkout(CURL_EXAMPLE_BODY);
    const { sessionId } = (response.body as { data: { sessionId: string } }).data;
    const session = await stripe.checkout.sessions.retrieve(sessionId);

    expect(session.mode).toBe('subscription');
    expect(session.client_reference_id).toBe(user.userId);
    expect(session.customer).toMatch(/^cus_/);
    expect(session.success_url).toBe(CURL_EXAMPLE_BODY.successUrl);
    expect(session.cancel_url).toBe(CURL_EXAMPLE_BODY.cancelUrl);
    expect(session.expires_at - before).toBeGreaterThanOrEqual(CHECKOUT_VALIDITY_SECONDS - 5);
    expect(session.expires_at - before).toBeLessThanOrEqual(24 * 60 * 60);
    expect(session.metadata).toEqual({ plan: 'pro', referralCode: 'FRIEND20', userId: user.userId });

    const lineItems = await stripe.checkout.sessions.listLineItems(sessionId);
    expect(lineItems.data.map((item) => [item.price?.id, item.quantity])).toEqual([['price_1ABC123XYZ', 1]]);
  });

  it('answers the TypeScript example (no metadata) and reuses the customer it created once', async () => {
    const response = await checkout({
      priceId: 'price_1ABC123XYZ',
      successUrl: `${SEED_ORIGIN}/dashboard?checkout=success`,
      cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
    });
    expect(response.status).toBe(200);
    const { data } = response.body as { data: { sessionId: string; url: string } };
    expect(data.sessionId).toMatch(/^cs_test_/);
    const session = await stripe.checkout.sessions.retrieve(data.sessionId);
    expect(session.metadata).toEqual({ userId: user.userId });
    const customers = await stripe.customers.list({ email: user.email });
    expect(customers.data).toHaveLength(1);
    expect(customers.data[0]?.metadata).toEqual({ userId: user.userId });
    expect(session.customer).toBe(customers.data[0]?.id);
  });

  it('answers "Missing Price ID" exactly (400)', async () => {
    const { priceId: _omitted, ...withoutPrice } = CURL_EXAMPLE_BODY;
    const response = await checkout(withoutPrice);
    expect(response.status).toBe(400);
    expect(response.text).toBe(JSON.stringify({ success: false, error: BILLING_ERROR_CODES.PRICE_ID_REQUIRED }));
  });

  it.each([
    ['unknown to Stripe', 'price_doesNotExist123'],
    ['inactive', 'price_legacy_inactive'],
    ['not recurring', 'price_one_time_setup'],
    ['not shaped like a price id', 'prod_pro'],
  ])('answers "Invalid Price" exactly for a price %s (400)', async (_why, priceId) => {
    const response = await checkout({ ...CURL_EXAMPLE_BODY, priceId });
    expect(response.status).toBe(400);
    expect(response.text).toBe(JSON.stringify({ success: false, error: BILLING_ERROR_CODES.INVALID_PRICE }));
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'A'.repeat(43)],
    ['a malformed token', 'not a token'],
  ])('answers "Unauthorized" exactly with %s (401)', async (_why, token) => {
    const response = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      body: CURL_EXAMPLE_BODY,
      ...(token && { headers: { authorization: `Bearer ${token}` } }),
    });
    expect(response.status).toBe(401);
    expect(response.text).toBe(JSON.stringify({ success: false, error: CORE_ERROR_CODES.UNAUTHENTICATED }));
  });

  it.each([
    [{ successUrl: 'not a url' }, 'successUrl must be a valid URL'],
    [{ cancelUrl: 'javascript:alert(1)' }, 'cancelUrl must be a valid URL'],
    [{ successUrl: undefined }, 'successUrl is required'],
    [{ cancelUrl: 42 }, 'cancelUrl must be a string'],
    [
      { successUrl: 'https://evil.example.net/dashboard' },
      // The web app's origin (PUBLIC_URL) first, then ALLOWED_REDIRECT_ORIGINS: the caller learns where to point.
      'successUrl must be on one of these origins: https://app.example.com, http://localhost:5173',
    ],
    [{ cancelUrl: 'https://app.example.com@evil.example.net/' }, 'cancelUrl must not contain credentials'],
    [{ priceId: 42 }, 'priceId must be a string'],
    [{ metadata: 'pro' }, 'metadata must be an object'],
    [{ metadata: { userId: 'someone-else' } }, 'metadata.userId is reserved'],
    [{ metadata: { plan: { nested: true } } }, 'metadata.plan must be a string, number or boolean'],
    [{ metadata: { 'a[b]': 'x' } }, 'metadata key "a[b]" must not contain "[" or "]"'],
  ])('names the field in every other validation error: %j', async (change, message) => {
    const response = await checkout({ ...CURL_EXAMPLE_BODY, ...change });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: { code: 'BAD_REQUEST', message } });
  });

  it('sends Stripe the redirect URLs as parsed and checked, not as typed', async () => {
    const response = await checkout({
      ...CURL_EXAMPLE_BODY,
      successUrl: ' https://app.example.com/dashboard?checkout=success\t',
      cancelUrl: 'https:///app.example.com/pri\tcing',
    });
    expect(response.status).toBe(200);
    const { sessionId } = (response.body as { data: { sessionId: string } }).data;
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect([session.success_url, session.cancel_url]).toEqual([
      'https://app.example.com/dashboard?checkout=success',
      'https://app.example.com/pricing',
    ]);

    // The portal's return URL goes through the same schema (this user has a customer by now).
    const portal = await request(stack.server.url, 'POST', '/api/billing/portal', {
      token: user.token,
      body: { returnUrl: ' https:///app.example.com/acc\tount' },
    });
    expect(portal.status).toBe(200);
    // The emulator's portal page links back to the return_url it was given.
    const page = await fetch((portal.body as { data: { url: string } }).data.url).then((answer) => answer.text());
    expect(page).toContain('<a href="https://app.example.com/account">Return</a>');
  });

  it('takes 49 metadata keys, which userId makes the 50 Stripe allows, and refuses 50 with a 400', async () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, 'v']));
    const accepted = await checkout({ ...CURL_EXAMPLE_BODY, metadata: keys(49) });
    expect(accepted.status).toBe(200);
    const { sessionId } = (accepted.body as { data: { sessionId: string } }).data;
    expect(Object.keys((await stripe.checkout.sessions.retrieve(sessionId)).metadata ?? {})).toHaveLength(50);

    const refused = await checkout({ ...CURL_EXAMPLE_BODY, metadata: keys(50) });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      success: false,
      error: BILLING_ERROR_CODES.TOO_MANY_METADATA_KEYS(49),
    });
  });

  it('keeps the {CHECKOUT_SESSION_ID} placeholder intact for Stripe to fill in', async () => {
    const successUrl = `${SEED_ORIGIN}/dashboard?session_id={CHECKOUT_SESSION_ID}`;
    const response = await checkout({ ...CURL_EXAMPLE_BODY, successUrl });
    expect(response.status).toBe(200);
    const { sessionId } = (response.body as { data: { sessionId: string } }).data;
    expect((await stripe.checkout.sessions.retrieve(sessionId)).success_url).toBe(successUrl);
  });

  it('answers malformed JSON, a wrong content type, a non-object body and unknown routes in the envelope', async () => {
    const malformed = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      rawBody: '{"priceId": ',
      token: user.token,
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      success: false,
      error: HTTP_ERROR_CODES.BODY_NOT_JSON,
    });
    const poisoned = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      rawBody: '{"priceId":"price_1ABC123XYZ","__proto__":{"admin":true}}',
      token: user.token,
      headers: { 'content-type': 'application/json' },
    });
    expect(poisoned.status).toBe(400);
    expect(poisoned.body).toEqual({ success: false, error: HTTP_ERROR_CODES.BODY_NOT_JSON });
    expect(HTTP_ERROR_CODES.BODY_NOT_JSON.message).toContain('__proto__');

    const wrongType = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      rawBody: 'priceId=price_1ABC123XYZ',
      token: user.token,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toEqual({
      success: false,
      error: HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON,
    });

    // JSON sent as text/plain is still the wrong content type, not a body that "must be a JSON object".
    const plainText = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      rawBody: JSON.stringify(CURL_EXAMPLE_BODY),
      token: user.token,
      headers: { 'content-type': 'text/plain' },
    });
    expect(plainText.status).toBe(415);
    expect(plainText.body).toEqual({
      success: false,
      error: HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON,
    });

    const array = await checkout([CURL_EXAMPLE_BODY]);
    expect(array.status).toBe(400);
    expect(array.body).toEqual({
      success: false,
      error: CORE_ERROR_CODES.BODY_NOT_AN_OBJECT,
    });

    const unknown = await request(stack.server.url, 'GET', '/api/billing/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      success: false,
      error: HTTP_ERROR_CODES.ROUTE_NOT_FOUND('GET', '/api/billing/nope'),
    });
  });
});
