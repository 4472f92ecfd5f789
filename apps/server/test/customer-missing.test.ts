/**
 * A stored Stripe customer that Stripe no longer has (deleted in the dashboard, another account or
 * mode, an emulator that lost its state) must not break the user: the next checkout or portal visit
 * links a new customer, exactly one however many requests race on however many servers.
 */
import { users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonResponse, request, SEED_ORIGIN, signUp, startTwoServerStack, type TwoServerStack } from './harness';

const CONCURRENT_CHECKOUTS = 20;

describe.each(testDatabaseKinds())('a customer Stripe no longer has (%s)', (kind) => {
  let stack: TwoServerStack;
  beforeAll(async () => {
    stack = await startTwoServerStack(kind);
  });
  afterAll(() => stack.close());

  const checkout = (url: string, token: string, headers: Record<string, string> = {}) =>
    request(url, 'POST', '/api/billing/checkout', {
      token,
      headers,
      body: { priceId: 'price_1ABC123XYZ', successUrl: `${SEED_ORIGIN}/ok`, cancelUrl: `${SEED_ORIGIN}/no` },
    });
  const portal = (url: string, token: string) =>
    request(url, 'POST', '/api/billing/portal', { token, body: { returnUrl: `${SEED_ORIGIN}/account` } });

  async function sessionCustomer(response: JsonResponse) {
    expect(response.status, response.text).toBe(200);
    const { sessionId } = (response.body as { data: { sessionId: string } }).data;
    return (await stack.stripe.checkout.sessions.retrieve(sessionId)).customer as string;
  }
  async function storedCustomer(userId: string) {
    const [user] = await stack.database.db.select().from(users).where(eq(users.id, userId));
    return user?.stripeCustomerId;
  }
  /** A user who checked out once, whose customer was then deleted at Stripe. */
  async function userWithDeletedCustomer() {
    const user = await signUp(stack.server.url);
    const deleted = await sessionCustomer(await checkout(stack.server.url, user.token));
    await stack.stripe.customers.del(deleted);
    return { ...user, deleted };
  }

  it('checks out with a new customer, linked in place of the deleted one, and opens the portal with it', async () => {
    const user = await userWithDeletedCustomer();

    const replacement = await sessionCustomer(await checkout(stack.server.url, user.token));
    expect(replacement).toMatch(/^cus_/);
    expect(replacement).not.toBe(user.deleted);
    expect(await storedCustomer(user.userId)).toBe(replacement);
    expect(await stack.stripe.customers.retrieve(replacement)).toMatchObject({
      email: user.email,
      metadata: { userId: user.userId },
    });

    const opened = await portal(stack.server.url, user.token);
    expect(opened.status, opened.text).toBe(200);
    expect(await storedCustomer(user.userId)).toBe(replacement);
  });

  it('opens the portal with a new customer when that is the first call to find it missing', async () => {
    const user = await userWithDeletedCustomer();

    const opened = await portal(stack.server.url, user.token);

    expect(opened.status, opened.text).toBe(200);
    const replacement = await storedCustomer(user.userId);
    expect(replacement).toMatch(/^cus_/);
    expect(replacement).not.toBe(user.deleted);
    expect(await sessionCustomer(await checkout(stack.server.url, user.token))).toBe(replacement);
  });

  it('replays an Idempotency-Key checkout made after the customer was replaced', async () => {
    const user = await userWithDeletedCustomer();
    const headers = { 'Idempotency-Key': `after-delete-${user.userId}` };

    const first = await checkout(stack.server.url, user.token, headers);
    const again = await checkout(stack.second.url, user.token, headers);

    expect(await sessionCustomer(first)).toBe(await storedCustomer(user.userId));
    expect(again.body).toEqual(first.body);
  });

  it(`relinks exactly one new customer when ${CONCURRENT_CHECKOUTS} checkouts race on two servers`, async () => {
    const user = await userWithDeletedCustomer();
    const servers = [stack.server.url, stack.second.url];

    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_CHECKOUTS }, (_, i) => checkout(servers[i % 2]!, user.token)),
    );

    // The newest checkout supersedes the others (409); none fails for the missing customer.
    expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
    const served = responses.filter((response) => response.status === 200);
    expect(served.length).toBeGreaterThan(0);
    const customers = new Set(await Promise.all(served.map(sessionCustomer)));
    expect(customers.size).toBe(1);
    const listed = await stack.stripe.customers.list({ email: user.email, limit: 100 });
    expect(listed.data.map((customer) => customer.id)).toEqual([...customers]);
    expect(customers.has(user.deleted)).toBe(false);
    expect(await storedCustomer(user.userId)).toBe([...customers][0]);
  });
});
