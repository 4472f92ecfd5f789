import { subscriptions } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payCheckout, request, SEED_ORIGIN, type Stack, signUp, startStack } from './harness';

const PRO = 'price_1ABC123XYZ';
const PRO_YEARLY = 'price_pro_yearly';

describe.each(testDatabaseKinds())('a plan switched in the hosted portal page on %s', (kind) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(kind);
    stack.emulator.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
  });
  afterAll(async () => {
    await stack.close();
  });

  it('reaches our database through webhooks', async () => {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: {
        priceId: PRO,
        successUrl: `${SEED_ORIGIN}/dashboard?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${SEED_ORIGIN}/pricing`,
      },
    });
    expect(checkout.status).toBe(200);
    const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
    const completed = await payCheckout(stack.emulator, sessionId);
    const subscriptionId = completed.subscription as string;
    await stack.emulator.flushWebhooks();

    const portal = await request(stack.server.url, 'POST', '/api/billing/portal', {
      token: user.token,
      body: { returnUrl: `${SEED_ORIGIN}/dashboard` },
    });
    expect(portal.status).toBe(200);
    const portalUrl = (portal.body as { data: { url: string } }).data.url;

    // As a customer would: open the portal, follow "Update plan", pick the yearly plan and submit.
    const home = await (await fetch(portalUrl)).text();
    const updatePath = /href="([^"]+\/update)">Update plan</.exec(home)?.[1];
    expect(updatePath).toBeDefined();
    const choice = await (await fetch(new URL(String(updatePath), portalUrl))).text();
    const action = /<form method="post" action="([^"]+)">/.exec(choice)?.[1];
    expect(choice).toContain(`value="${PRO_YEARLY}"`);
    const submitted = await fetch(new URL(String(action), portalUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subscriptionId, price: PRO_YEARLY }).toString(),
    });
    expect(submitted.status).toBe(303);
    await stack.emulator.flushWebhooks();

    const [row] = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
    expect(row?.priceId).toBe(PRO_YEARLY);
    const view = await request(stack.server.url, 'GET', '/api/billing/subscription', { token: user.token });
    expect((view.body as { data: { priceId: string; interval: string } }).data).toMatchObject({
      priceId: PRO_YEARLY,
      interval: 'year',
    });
  });
});
