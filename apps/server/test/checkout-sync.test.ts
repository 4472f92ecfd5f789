import type { AppRouter } from '@subkit/api';
import { checkoutSessions, duplicateSubscriptions, stripeEvents, subscriptions, users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutBody,
  ledgerDrained,
  payCheckout,
  request,
  SEED_ORIGIN,
  type Stack,
  signUp,
  startStack,
} from './harness';

const PRO = 'price_1ABC123XYZ';
const NOT_FOUND = { code: 'NOT_FOUND', message: 'Checkout session not found' };

interface View {
  id: string;
  status: string;
  priceId: string;
  currentPeriodEnd: string | null;
}
type Outcome = { ok: true; data: View | null } | { ok: false; status: number; code: string; message: string };

/** One way of calling `billing.syncCheckout`: its REST twin, or the typed tRPC client. */
interface Transport {
  name: string;
  sync(baseUrl: string, token: string | null, input: unknown): Promise<Outcome>;
}

const rest: Transport = {
  name: 'REST',
  async sync(baseUrl, token, input) {
    const response = await request(baseUrl, 'POST', '/api/billing/checkout/sync', {
      ...(token ? { token } : {}),
      body: input,
    });
    const body = response.body as { success: boolean; data?: View | null; error?: { code: string; message: string } };
    if (body.success) return { ok: true, data: body.data ?? null };
    return { ok: false, status: response.status, code: body.error?.code ?? '', message: body.error?.message ?? '' };
  },
};

const trpc: Transport = {
  name: 'tRPC',
  async sync(baseUrl, token, input) {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${baseUrl}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
    });
    try {
      return { ok: true, data: (await client.billing.syncCheckout.mutate(input as { sessionId: string })) as View };
    } catch (error) {
      if (!(error instanceof TRPCClientError)) throw error;
      const { data, message } = error as TRPCClientError<AppRouter>;
      return { ok: false, status: data?.httpStatus ?? 0, code: data?.code ?? '', message };
    }
  },
};

function failure(outcome: Outcome) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.data)}`);
  return { status: outcome.status, code: outcome.code, message: outcome.message };
}

function view(outcome: Outcome): View | null {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.status} ${outcome.message}`);
  return outcome.data;
}

// No webhook endpoint is configured: the stack stands for a deployment whose webhooks are slow,
// failing or not set up, and a test delivers the emulator's events itself when it wants them.
describe.each(testDatabaseKinds())('syncing a checkout on the way back from it (%s)', (kind) => {
  let stack: Stack;
  let stripe: Stripe;

  beforeAll(async () => {
    stack = await startStack(kind);
    stripe = stack.stripe;
  });
  afterAll(() => stack.close());

  async function startCheckout(token: string): Promise<string> {
    const response = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token,
      body: checkoutBody(PRO),
    });
    expect(response.status, response.text).toBe(200);
    return (response.body as { data: { sessionId: string } }).data.sessionId;
  }

  /** Pays the session as the hosted page would. */
  async function pay(sessionId: string): Promise<string> {
    return (await payCheckout(stack.emulator, sessionId)).subscription as string;
  }

  /** The events Stripe sent about this checkout and its subscription, oldest first. */
  async function eventsOf(sessionId: string, subscriptionId: string): Promise<Stripe.Event[]> {
    const events = await stripe.events.list({ limit: 100 });
    return events.data
      .filter((event) => [sessionId, subscriptionId].includes((event.data.object as { id: string }).id))
      .reverse();
  }

  async function deliver(event: Stripe.Event): Promise<string> {
    const payload = JSON.stringify(event);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: stack.emulator.webhookSecret });
    const response = await request(stack.server.url, 'POST', '/api/billing/webhook', {
      rawBody: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    expect(response.status, response.text).toBe(200);
    const { outcome } = (response.body as { data: { outcome: string } }).data;
    if (outcome !== 'received') return outcome;
    // Recorded: the drain applies it; its outcome is the ledger's once nothing is left to apply.
    expect(await ledgerDrained(stack.database)).toBe(true);
    const [row] = await stack.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
    return row?.outcome ?? 'unprocessed';
  }

  /** Our row in the fields Stripe decides, next to the same fields read from Stripe now. */
  async function rowAndStripe(subscriptionId: string) {
    const [row] = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
    const inStripe = await stripe.subscriptions.retrieve(subscriptionId);
    const item = inStripe.items.data[0];
    return {
      row: {
        status: row?.status,
        customerId: row?.customerId,
        priceId: row?.priceId,
        currentPeriodEnd: row?.currentPeriodEnd?.getTime(),
        cancelAtPeriodEnd: row?.cancelAtPeriodEnd,
      },
      stripe: {
        status: inStripe.status,
        customerId: inStripe.customer,
        priceId: item?.price.id,
        currentPeriodEnd: (item?.current_period_end ?? 0) * 1000,
        cancelAtPeriodEnd: inStripe.cancel_at_period_end,
      },
    };
  }

  async function expectRowEqualsStripe(subscriptionId: string) {
    const { row, stripe: inStripe } = await rowAndStripe(subscriptionId);
    expect(row).toEqual(inStripe);
  }

  describe.each([rest, trpc])('over $name', (api) => {
    it('stores the paid subscription at once, with no webhook, and answers it', async () => {
      const user = await signUp(stack.server.url);
      const sessionId = await startCheckout(user.token);
      const subscriptionId = await pay(sessionId);

      const synced = view(await api.sync(stack.server.url, user.token, { sessionId }));

      expect(synced).toMatchObject({ id: subscriptionId, status: 'active', priceId: PRO });
      await expectRowEqualsStripe(subscriptionId);
      const [tracked] = await stack.database.db
        .select({ status: checkoutSessions.status })
        .from(checkoutSessions)
        .where(eq(checkoutSessions.sessionId, sessionId));
      expect(tracked?.status).toBe('complete');
      const answered = await request(stack.server.url, 'GET', '/api/billing/subscription', { token: user.token });
      expect((answered.body as { data: View }).data).toEqual(synced);
    });

    it("answers 404 for another user's session and for an unknown one alike, storing nothing", async () => {
      const owner = await signUp(stack.server.url);
      const other = await signUp(stack.server.url);
      const sessionId = await startCheckout(owner.token);
      const subscriptionId = await pay(sessionId);

      const foreign = failure(await api.sync(stack.server.url, other.token, { sessionId }));
      const unknown = failure(await api.sync(stack.server.url, other.token, { sessionId: 'cs_test_nosuchsession' }));

      expect(foreign).toEqual({ status: 404, ...NOT_FOUND });
      expect(unknown).toEqual(foreign);
      const rows = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
      expect(rows).toEqual([]);
      const [linked] = await stack.database.db
        .select({ customerId: users.stripeCustomerId })
        .from(users)
        .where(eq(users.id, other.userId));
      expect(linked?.customerId).toBeNull();
    });

    it('answers the subscription as it is for a session not paid yet', async () => {
      const user = await signUp(stack.server.url);
      const sessionId = await startCheckout(user.token);

      expect(view(await api.sync(stack.server.url, user.token, { sessionId }))).toBeNull();
      const [tracked] = await stack.database.db
        .select({ status: checkoutSessions.status })
        .from(checkoutSessions)
        .where(eq(checkoutSessions.sessionId, sessionId));
      expect(tracked?.status).toBe('open');
    });

    it('refuses a malformed session id (400) and a caller without a session (401)', async () => {
      const user = await signUp(stack.server.url);
      expect(failure(await api.sync(stack.server.url, user.token, { sessionId: '../v1/customers' }))).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        message: 'sessionId must be a Stripe checkout session ID (cs_…)',
      });
      expect(failure(await api.sync(stack.server.url, user.token, {}))).toMatchObject({
        status: 400,
        message: 'sessionId is required',
      });
      expect(failure(await api.sync(stack.server.url, null, { sessionId: 'cs_test_x' }))).toMatchObject({
        status: 401,
        code: 'UNAUTHORIZED',
      });
    });
  });

  describe('with the webhooks of the same checkout', () => {
    async function paidCheckout() {
      const user = await signUp(stack.server.url);
      const sessionId = await startCheckout(user.token);
      const subscriptionId = await pay(sessionId);
      return { user, sessionId, subscriptionId, events: await eventsOf(sessionId, subscriptionId) };
    }

    async function liveRowsOf(userId: string) {
      const rows = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.userId, userId));
      return rows.filter((row) => row.status === 'active');
    }

    it('changes nothing when the webhooks arrived first', async () => {
      const { user, sessionId, subscriptionId, events } = await paidCheckout();
      expect(events.map((event) => event.type)).toContain('checkout.session.completed');
      for (const event of events) expect(await deliver(event)).toBe('applied');

      const synced = view(await rest.sync(stack.server.url, user.token, { sessionId }));

      expect(synced).toMatchObject({ id: subscriptionId, status: 'active' });
      expect((await liveRowsOf(user.userId)).map((row) => row.id)).toEqual([subscriptionId]);
      await expectRowEqualsStripe(subscriptionId);
    });

    it('is not undone by webhooks arriving after it, twice over', async () => {
      const { user, sessionId, subscriptionId, events } = await paidCheckout();
      view(await rest.sync(stack.server.url, user.token, { sessionId }));

      for (const event of events) expect(await deliver(event)).toBe('applied');
      for (const event of events) expect(await deliver(event)).toBe('duplicate');
      view(await trpc.sync(stack.server.url, user.token, { sessionId }));

      expect((await liveRowsOf(user.userId)).map((row) => row.id)).toEqual([subscriptionId]);
      const flagged = await stack.database.db
        .select()
        .from(duplicateSubscriptions)
        .where(eq(duplicateSubscriptions.userId, user.userId));
      expect(flagged).toEqual([]);
      await expectRowEqualsStripe(subscriptionId);
    });

    it('takes a change Stripe announces after it, and a repeat of it keeps that change', async () => {
      const { user, sessionId, subscriptionId } = await paidCheckout();
      view(await rest.sync(stack.server.url, user.token, { sessionId }));

      await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
      const updated = (await eventsOf(sessionId, subscriptionId)).findLast(
        (event) => event.type === 'customer.subscription.updated',
      );
      if (!updated) throw new Error('Stripe sent no customer.subscription.updated');
      expect(await deliver(updated)).toBe('applied');
      expect((await rowAndStripe(subscriptionId)).row.cancelAtPeriodEnd).toBe(true);

      view(await trpc.sync(stack.server.url, user.token, { sessionId }));
      expect((await rowAndStripe(subscriptionId)).row.cancelAtPeriodEnd).toBe(true);
      await expectRowEqualsStripe(subscriptionId);
    });

    it('links the customer as the webhook does, and cancels a second live subscription as it would', async () => {
      const { user, sessionId, subscriptionId } = await paidCheckout();
      view(await rest.sync(stack.server.url, user.token, { sessionId }));
      const [linked] = await stack.database.db
        .select({ customerId: users.stripeCustomerId })
        .from(users)
        .where(eq(users.id, user.userId));
      const customer = (await stripe.subscriptions.retrieve(subscriptionId)).customer as string;
      expect(linked?.customerId).toBe(customer);

      // A second checkout paid elsewhere for the same user (our own checkout refuses one).
      const second = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer,
        client_reference_id: user.userId,
        line_items: [{ price: 'price_starter_monthly', quantity: 1 }],
        subscription_data: { metadata: { userId: user.userId } },
        success_url: `${SEED_ORIGIN}/dashboard`,
      });
      const secondSubscription = await pay(second.id);

      const synced = view(await rest.sync(stack.server.url, user.token, { sessionId: second.id }));

      expect(synced).toMatchObject({ id: subscriptionId, status: 'active' });
      expect((await stripe.subscriptions.retrieve(secondSubscription)).status).toBe('canceled');
      const [flagged] = await stack.database.db
        .select()
        .from(duplicateSubscriptions)
        .where(eq(duplicateSubscriptions.subscriptionId, secondSubscription));
      expect(flagged).toMatchObject({ keptSubscriptionId: subscriptionId, resolvedAt: expect.any(Date) });
    });
  });
});
