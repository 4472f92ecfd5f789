import { users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, request, signUp, startTwoServerStack, type TwoServerStack } from './harness';

const CONCURRENT_CHECKOUTS = 20;

describe.each(testDatabaseKinds())('first checkouts racing on two servers (%s)', (kind) => {
  let stack: TwoServerStack;
  beforeAll(async () => {
    stack = await startTwoServerStack(kind);
  });
  afterAll(() => stack.close());

  it(`leaves exactly one Stripe customer after ${CONCURRENT_CHECKOUTS} concurrent first checkouts`, async () => {
    const user = await signUp(stack.server.url);
    const servers = [stack.server.url, stack.second.url];
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_CHECKOUTS }, (_, i) =>
        request(servers[i % 2]!, 'POST', '/api/billing/checkout', {
          token: user.token,
          body: checkoutBody(),
        }),
      ),
    );
    // The newest checkout supersedes the others (409), so only one session is left to pay.
    expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
    expect(responses.some((response) => response.status === 200)).toBe(true);

    const { stripe } = stack;
    const customers = await stripe.customers.list({ email: user.email, limit: 100 });
    expect(customers.data).toHaveLength(1);
    const open = await stripe.checkout.sessions.list({ customer: customers.data[0]!.id, status: 'open' });
    expect(open.data).toHaveLength(1);
    const [stored] = await stack.database.db.select().from(users).where(eq(users.id, user.userId));
    expect(stored?.stripeCustomerId).toBe(customers.data[0]?.id);
  });
});
