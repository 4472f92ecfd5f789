import { users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, SEED_ORIGIN, type Stack, signUp, startStack, startTestServer, type TestServer } from './harness';

const CONCURRENT_CHECKOUTS = 20;

describe.each(testDatabaseKinds())('first checkouts racing on two servers (%s)', (kind) => {
  let stack: Stack;
  let second: TestServer;
  beforeAll(async () => {
    stack = await startStack(kind);
    second = await startTestServer(await stack.openSecondHandle(), stack.emulator);
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
  });

  it(`leaves exactly one Stripe customer after ${CONCURRENT_CHECKOUTS} concurrent first checkouts`, async () => {
    const user = await signUp(stack.server.url);
    const servers = [stack.server.url, second.url];
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_CHECKOUTS }, (_, i) =>
        request(servers[i % 2]!, 'POST', '/api/billing/checkout', {
          token: user.token,
          body: {
            priceId: 'price_1ABC123XYZ',
            successUrl: `${SEED_ORIGIN}/dashboard?checkout=success`,
            cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
          },
        }),
      ),
    );
    // The newest checkout supersedes the others (409), so only one session is left to pay.
    expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
    expect(responses.some((response) => response.status === 200)).toBe(true);

    const stripe = new Stripe(stack.emulator.secretKey, {
      host: stack.emulator.host,
      port: stack.emulator.port,
      protocol: 'http',
    });
    const customers = await stripe.customers.list({ email: user.email, limit: 100 });
    expect(customers.data).toHaveLength(1);
    const open = await stripe.checkout.sessions.list({ customer: customers.data[0]!.id, status: 'open' });
    expect(open.data).toHaveLength(1);
    const [stored] = await stack.database.db.select().from(users).where(eq(users.id, user.userId));
    expect(stored?.stripeCustomerId).toBe(customers.data[0]?.id);
  });
});
