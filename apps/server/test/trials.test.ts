import type { AppRouter } from '@subkit/api';
import { stripeEvents, trialGrants, users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutBody,
  payCheckout,
  request,
  type Stack,
  signUp,
  startStack,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from './harness';

const DAY = 86_400;

interface View {
  id: string;
  status: string;
  trialEnd: string | null;
  endsWithTrial: boolean;
}

/** One way of calling the API: the REST twins, or the typed tRPC client. */
interface Transport {
  name: string;
  checkout(serverUrl: string, token: string): Promise<{ sessionId: string; url: string }>;
  subscription(serverUrl: string, token: string): Promise<View | null>;
}

const rest: Transport = {
  name: 'REST',
  async checkout(serverUrl, token) {
    const response = await request(serverUrl, 'POST', '/api/billing/checkout', { token, body: checkoutBody() });
    if (response.status !== 200) throw new Error(`checkout answered ${response.status}: ${response.text}`);
    return (response.body as { data: { sessionId: string; url: string } }).data;
  },
  async subscription(serverUrl, token) {
    const response = await request(serverUrl, 'GET', '/api/billing/subscription', { token });
    if (response.status !== 200) throw new Error(`subscription answered ${response.status}: ${response.text}`);
    return (response.body as { data: View | null }).data;
  },
};

const client = (serverUrl: string, token: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${serverUrl}/trpc`, headers: () => ({ authorization: `Bearer ${token}` }) })],
  });

const trpc: Transport = {
  name: 'tRPC',
  checkout: (serverUrl, token) => client(serverUrl, token).billing.createCheckout.mutate(checkoutBody()),
  subscription: (serverUrl, token) => client(serverUrl, token).billing.subscription.query(),
};

describe.each(testDatabaseKinds())('free trials on %s', (kind) => {
  let stack: Stack;
  let stripe: Stripe;
  /** Processes of one fleet (one database, one Stripe account) configured three ways. */
  let noTrial: TestServer;
  let trialWithCard: TestServer;
  let trialWithoutCard: TestServer;

  beforeAll(async () => {
    stack = await startStack(kind);
    stripe = stack.stripe;
    noTrial = stack.server;
    trialWithCard = await startTestServer(await stack.openSecondHandle(), stack.emulator, { TRIAL_DAYS: '14' });
    trialWithoutCard = await startTestServer(await stack.openSecondHandle(), stack.emulator, {
      TRIAL_DAYS: '7',
      TRIAL_REQUIRES_CARD: 'false',
    });
    stack.emulator.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
  });
  afterAll(async () => {
    await trialWithCard.close();
    await trialWithoutCard.close();
    await stack.close();
  });

  /** Checks out and pays as a customer would, then waits for the webhooks to land. */
  async function subscribe(api: Transport, server: TestServer, token: string) {
    const { sessionId } = await api.checkout(server.url, token);
    const session = await payCheckout(stack.emulator, sessionId);
    await stack.emulator.flushWebhooks();
    const subscriptionId = String(session.subscription);
    await expect.poll(() => api.subscription(server.url, token).then((view) => view?.id)).toBe(subscriptionId);
    return { session, subscriptionId };
  }

  async function checkoutSessionOf(api: Transport, server: TestServer, token: string) {
    const { sessionId } = await api.checkout(server.url, token);
    return stripe.checkout.sessions.retrieve(sessionId);
  }

  /** Subscriptions that start trials in the tests below, ended together by the last test (it moves Stripe's clock). */
  const trials: { api: Transport; server: TestServer; token: string; subscriptionId: string; card: boolean }[] = [];

  describe.each([rest, trpc])('over $name', (api) => {
    it('starts a trial with a card: trialing, trialEnd TRIAL_DAYS ahead', async () => {
      const user = await signUp(trialWithCard.url);
      const { session, subscriptionId } = await subscribe(api, trialWithCard, user.token);
      expect(session.payment_status).toBe('no_payment_required');
      expect(session.payment_method_collection).toBe('always');
      const view = await api.subscription(trialWithCard.url, user.token);
      expect(view).toMatchObject({ status: 'trialing', endsWithTrial: false });
      const trialEnd = Date.parse(view?.trialEnd ?? '') / 1000;
      expect(Math.abs(trialEnd - (stack.emulator.now() + 14 * DAY))).toBeLessThan(120);
      trials.push({ api, server: trialWithCard, token: user.token, subscriptionId, card: true });
    });

    it('starts a trial without a card: no card asked, endsWithTrial', async () => {
      const user = await signUp(trialWithoutCard.url);
      const offered = await checkoutSessionOf(api, trialWithoutCard, user.token);
      expect(offered.payment_method_collection).toBe('if_required');
      const session = await payCheckout(stack.emulator, offered.id);
      await stack.emulator.flushWebhooks();
      expect(session.payment_status).toBe('no_payment_required');
      const subscriptionId = String(session.subscription);
      await expect
        .poll(() => api.subscription(trialWithoutCard.url, user.token))
        .toMatchObject({ id: subscriptionId, status: 'trialing', endsWithTrial: true });
      const atStripe = await stripe.subscriptions.retrieve(subscriptionId);
      expect(atStripe).toMatchObject({
        default_payment_method: null,
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
      });
      trials.push({ api, server: trialWithoutCard, token: user.token, subscriptionId, card: false });
    });

    it('gives no second trial: a new subscription after canceling starts active', async () => {
      const user = await signUp(trialWithCard.url);
      const first = await subscribe(api, trialWithCard, user.token);
      expect((await stripe.subscriptions.retrieve(first.subscriptionId)).status).toBe('trialing');
      await stripe.subscriptions.cancel(first.subscriptionId);
      await stack.emulator.flushWebhooks();
      await expect.poll(() => api.subscription(trialWithCard.url, user.token)).toMatchObject({ status: 'canceled' });

      const second = await checkoutSessionOf(api, trialWithCard, user.token);
      const paid = await payCheckout(stack.emulator, second.id);
      expect(paid.payment_status).toBe('paid');
      const subscription = await stripe.subscriptions.retrieve(String(paid.subscription));
      expect(subscription).toMatchObject({ status: 'active', trial_end: null });
    });

    it('gives no trial to an account signed up again with the same email, in another case', async () => {
      const email = uniqueEmail('again');
      const before = await signUp(trialWithoutCard.url, email);
      await subscribe(api, trialWithoutCard, before.token);
      const [grant] = await stack.database.db.select().from(trialGrants).where(eq(trialGrants.email, email));
      expect(grant).toMatchObject({ userId: before.userId });
      // Subkit has no account deletion; an operator deleting the user row is how an email comes back.
      await stack.database.db.delete(users).where(eq(users.id, before.userId));

      const again = await signUp(trialWithoutCard.url, `  ${email.toUpperCase()}`);
      const session = await checkoutSessionOf(api, trialWithoutCard, again.token);
      expect(session.payment_method_collection).toBe('always');
      const paid = await payCheckout(stack.emulator, session.id);
      expect((await stripe.subscriptions.retrieve(String(paid.subscription))).status).toBe('active');
    });

    it('offers no trial when TRIAL_DAYS is 0', async () => {
      const user = await signUp(noTrial.url);
      const { session, subscriptionId } = await subscribe(api, noTrial, user.token);
      expect(session.payment_status).toBe('paid');
      expect(await api.subscription(noTrial.url, user.token)).toMatchObject({
        id: subscriptionId,
        status: 'active',
        trialEnd: null,
        endsWithTrial: false,
      });
    });

    it('keeps offering the trial to a user who abandoned a trial checkout', async () => {
      const user = await signUp(trialWithCard.url);
      const abandoned = await checkoutSessionOf(api, trialWithCard, user.token);
      await stripe.checkout.sessions.expire(abandoned.id);
      await stack.emulator.flushWebhooks();
      const { subscriptionId } = await subscribe(api, trialWithCard, user.token);
      expect((await stripe.subscriptions.retrieve(subscriptionId)).status).toBe('trialing');
    });
  });

  it('at the trial end: a trial with a card converts (invoice paid), one without a card ends', async () => {
    expect(trials).toHaveLength(4);
    await stack.emulator.advanceClock(14 * DAY + 60);
    await stack.emulator.flushWebhooks();
    // Three days before each end Stripe announced it; each announcement was applied (a fresh read of the subscription).
    const announced = await stack.database.db
      .select({ outcome: stripeEvents.outcome })
      .from(stripeEvents)
      .where(eq(stripeEvents.type, 'customer.subscription.trial_will_end'));
    expect(announced.length).toBeGreaterThanOrEqual(trials.length);
    expect(announced.every((event) => event.outcome === 'applied')).toBe(true);
    for (const { api, server, token, subscriptionId, card } of trials) {
      await expect
        .poll(() => api.subscription(server.url, token))
        .toMatchObject({ id: subscriptionId, status: card ? 'active' : 'canceled', endsWithTrial: false });
      const latest = (await stripe.subscriptions.retrieve(subscriptionId, { expand: ['latest_invoice'] }))
        .latest_invoice as Stripe.Invoice;
      // With a card the first period is charged; without one nothing ever was.
      expect(latest).toMatchObject(
        card ? { status: 'paid', amount_paid: 2900, billing_reason: 'subscription_cycle' } : { amount_paid: 0 },
      );
    }
  });
});
