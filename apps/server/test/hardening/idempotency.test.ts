import { runHousekeeping } from '@subkit/api';
import { BILLING_ERROR_CODES } from '@subkit/billing';
import { checkoutRequests } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, request, type Stack, signUp, startStack } from '../harness';

const BODY = { ...checkoutBody(), metadata: { plan: 'pro' } };

describe.each(testDatabaseKinds())('Idempotency-Key on POST /api/billing/checkout (%s)', (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(kind);
  });
  afterAll(() => stack.close());

  const checkout = (token: string, key: string | undefined, body: unknown = BODY) =>
    request(stack.server.url, 'POST', '/api/billing/checkout', {
      token,
      body,
      ...(key !== undefined && { headers: { 'idempotency-key': key } }),
    });
  const sessionIdOf = (response: { body: unknown }) =>
    (response.body as { data: { sessionId: string } }).data.sessionId;
  const sessionCreates = () => stack.emulator.stats().byEndpoint['POST /v1/checkout/sessions'] ?? 0;

  it('returns the same session for a double click, and creates it once', async () => {
    const user = await signUp(stack.server.url);
    const before = sessionCreates();
    const responses = await Promise.all(Array.from({ length: 10 }, () => checkout(user.token, 'order-123')));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map(sessionIdOf)).size).toBe(1);

    const later = await checkout(user.token, 'order-123');
    expect(sessionIdOf(later)).toBe(sessionIdOf(responses[0]!));
    // Concurrent twins may each reach Stripe, where the shared Idempotency-Key makes them one session.
    const session = await stack.stripe.checkout.sessions.retrieve(sessionIdOf(later));
    const sessions = await stack.stripe.checkout.sessions.list({ customer: session.customer as string, limit: 100 });
    expect(sessions.data.map((listed) => listed.id)).toEqual([session.id]);
    expect(sessionCreates() - before).toBeGreaterThanOrEqual(1);
  });

  it('refuses the same key with another body (409) and keeps the first session', async () => {
    const user = await signUp(stack.server.url);
    const first = await checkout(user.token, 'key-reused');
    const other = await checkout(user.token, 'key-reused', { ...BODY, priceId: 'price_pro_yearly' });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({
      success: false,
      error: BILLING_ERROR_CODES.IDEMPOTENCY_KEY_REUSED,
    });
    expect(sessionIdOf(await checkout(user.token, 'key-reused'))).toBe(sessionIdOf(first));
  });

  it('starts a new checkout for a key whose spent claim housekeeping removed, not a Stripe error', async () => {
    const user = await signUp(stack.server.url);
    const first = await checkout(user.token, 'order-next-day');
    // A day on: the session has expired and housekeeping deletes the claim. Stripe still knows the
    // key it was sent with (it keeps keys for at least 24 hours), with the old expires_at.
    const { db } = stack.database;
    const spent = Math.floor(Date.now() / 1000) - 60;
    await db.update(checkoutRequests).set({ expiresAt: spent }).where(eq(checkoutRequests.userId, user.userId));
    const report = await runHousekeeping({ db, now: () => new Date() });
    expect(report.expiredCheckoutClaims).toBeGreaterThanOrEqual(1);

    // expires_at counts seconds: from the next one on, a new claim sends Stripe other parameters.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await checkout(user.token, 'order-next-day');
    expect(again.status).toBe(200);
    expect(sessionIdOf(again)).not.toBe(sessionIdOf(first));
  });

  it('treats different keys, and the same key from different users, as different requests', async () => {
    const [ann, bob] = await Promise.all([signUp(stack.server.url), signUp(stack.server.url)]);
    const a1 = sessionIdOf(await checkout(ann.token, 'k1'));
    const a2 = sessionIdOf(await checkout(ann.token, 'k2'));
    const b1 = sessionIdOf(await checkout(bob.token, 'k1'));
    expect(new Set([a1, a2, b1]).size).toBe(3);
  });

  it.each([['x'.repeat(256)], ['has space'], ['ünïcode']])('refuses the malformed key %j (400)', async (key) => {
    const user = await signUp(stack.server.url);
    const response = await checkout(user.token, key);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      success: false,
      error: BILLING_ERROR_CODES.IDEMPOTENCY_KEY_INVALID,
    });
  });
});
