import type { AppRouter } from '@subkit/api';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutBody,
  request,
  SEED_ORIGIN,
  type Stack,
  signUp,
  startStack,
  startTwoServerStack,
  type TwoServerStack,
  uniqueEmail,
} from '../harness';

// Trusting loopback as a proxy lets each test act from its own client address through X-Forwarded-For.
const LIMITS = {
  RATE_LIMIT_AUTH_PER_MIN: '5',
  RATE_LIMIT_CHECKOUT_PER_MIN: '3',
  RATE_LIMIT_STRIPE_PER_MIN: '6',
  TRUST_PROXY: 'loopback',
};
const CHECKOUT = checkoutBody();

describe('rate limits (in-memory store)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('pglite', LIMITS);
  });
  afterAll(() => stack.close());

  it('limits sign-in attempts per IP, answering 429 in the envelope with Retry-After', async () => {
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof request>> | undefined;
    for (let attempt = 0; attempt < 7; attempt++) {
      const response = await request(stack.server.url, 'POST', '/api/auth/login', {
        body: { email: uniqueEmail(), password: 'wrong password' },
        headers: { 'x-forwarded-for': '203.0.113.1' },
      });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(refused?.body).toEqual({
      success: false,
      error: {
        code: 'TOO_MANY_REQUESTS',
        message: expect.stringMatching(/^Too many requests\. Try again in \d+ seconds\.$/),
      },
    });
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('limits checkouts per user, across REST and tRPC alike', async () => {
    const user = await signUp(stack.server.url, uniqueEmail(), { 'x-forwarded-for': '203.0.113.9' });
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.server.url}/trpc`, headers: { authorization: `Bearer ${user.token}` } })],
    });
    const viaRest = () =>
      request(stack.server.url, 'POST', '/api/billing/checkout', { token: user.token, body: CHECKOUT });
    expect((await viaRest()).status).toBe(200);
    await client.billing.createCheckout.mutate(CHECKOUT);
    expect((await viaRest()).status).toBe(200);

    const refusedRest = await viaRest();
    expect(refusedRest.status).toBe(429);
    expect(refusedRest.headers.get('retry-after')).toMatch(/^\d+$/);
    const refusedTrpc = await client.billing.createCheckout.mutate(CHECKOUT).catch((error: unknown) => error);
    expect(refusedTrpc).toBeInstanceOf(TRPCClientError);
    expect((refusedTrpc as TRPCClientError<AppRouter>).data?.code).toBe('TOO_MANY_REQUESTS');

    // Another user is unaffected.
    const other = await signUp(stack.server.url, uniqueEmail(), { 'x-forwarded-for': '203.0.113.10' });
    expect(
      (await request(stack.server.url, 'POST', '/api/billing/checkout', { token: other.token, body: CHECKOUT })).status,
    ).toBe(200);
  });

  it('spends one per-user Stripe budget on checkout and the billing portal, across REST, tRPC and batches', async () => {
    const portalSessions = () => stack.emulator.stats().byEndpoint['POST /v1/billing_portal/sessions'] ?? 0;
    const before = portalSessions();
    const user = await signUp(stack.server.url, uniqueEmail(), { 'x-forwarded-for': '203.0.113.20' });
    const headers = { authorization: `Bearer ${user.token}` };
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${stack.server.url}/trpc`, headers })] });
    const batching = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${stack.server.url}/trpc`, headers })],
    });
    const portal = { returnUrl: `${SEED_ORIGIN}/dashboard` };
    const portalViaRest = () =>
      request(stack.server.url, 'POST', '/api/billing/portal', { token: user.token, body: portal });

    // A checkout gives the user a Stripe customer, which the portal needs.
    expect(
      (await request(stack.server.url, 'POST', '/api/billing/checkout', { token: user.token, body: CHECKOUT })).status,
    ).toBe(200);
    await client.billing.createPortalSession.mutate(portal);
    expect((await portalViaRest()).status).toBe(200);
    // Three calls left in the budget of six; a batch of four gets three of them.
    const batch = await Promise.allSettled(
      Array.from({ length: 4 }, () => batching.billing.createPortalSession.mutate(portal)),
    );
    expect(batch.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const refusedInBatch = batch.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(refusedInBatch.map((error: TRPCClientError<AppRouter>) => error.data?.code)).toEqual(['TOO_MANY_REQUESTS']);

    const refusedPortal = await portalViaRest();
    expect(refusedPortal.status).toBe(429);
    expect(refusedPortal.headers.get('retry-after')).toMatch(/^\d+$/);
    // The checkout's own limit (3) is not reached; the shared Stripe budget is.
    expect(
      (await request(stack.server.url, 'POST', '/api/billing/checkout', { token: user.token, body: CHECKOUT })).status,
    ).toBe(429);
    expect(portalSessions() - before).toBe(5);

    const other = await signUp(stack.server.url, uniqueEmail(), { 'x-forwarded-for': '203.0.113.21' });
    expect(
      (await request(stack.server.url, 'POST', '/api/billing/checkout', { token: other.token, body: CHECKOUT })).status,
    ).toBe(200);
  });
});

const redisUrl = process.env.REDIS_URL;
// Only with a Redis to share: the point is two processes counting against one budget.
if (redisUrl) {
  describe('rate limits shared through Redis', () => {
    let stack: TwoServerStack;
    beforeAll(async () => {
      // A clean slate: earlier runs may have left counters for these test addresses.
      const redis = new Redis(redisUrl);
      const keys = await redis.keys('subkit:rl:*');
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      stack = await startTwoServerStack('pglite', { ...LIMITS, REDIS_URL: redisUrl });
    });
    afterAll(() => stack.close());

    it('holds one sign-in budget across two server processes', async () => {
      const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 8; attempt++) {
        const base = attempt % 2 === 0 ? stack.server.url : stack.second.url;
        const response = await request(base, 'POST', '/api/auth/login', {
          body: { email: uniqueEmail(), password: 'wrong password' },
          headers: { 'x-forwarded-for': address },
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    });
  });
}
