import { duplicateSubscriptions, subscriptions } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutBody,
  request,
  SEED_ORIGIN,
  signUp,
  startTestServer,
  startTwoServerStack,
  type TestServer,
  type TwoServerStack,
} from './harness';

describe.each(testDatabaseKinds())('at most one live subscription per user (%s)', (kind) => {
  let stack: TwoServerStack;
  let receivers: TestServer[];
  let stripe: Stripe;
  // Every process drains the ledger, so any of the four may handle an event: the test reads the
  // warnings of all of them, as a log collector gathers a fleet's.
  const fleetLog: string[] = [];
  const fleetLogStream = { write: (line: string) => fleetLog.push(line) };
  const WARNINGS_ONLY = { LOG_LEVEL: 'warn' };

  beforeAll(async () => {
    stack = await startTwoServerStack(kind, WARNINGS_ONLY, {}, fleetLogStream);
    stripe = stack.stripe;
    // Every event goes to two servers at once, as a fleet behind one endpoint may see it.
    receivers = [
      await startTestServer(await stack.openSecondHandle(), stack.emulator, WARNINGS_ONLY, {}, fleetLogStream),
      await startTestServer(await stack.openSecondHandle(), stack.emulator, WARNINGS_ONLY, {}, fleetLogStream),
    ];
    for (const receiver of receivers) stack.emulator.addWebhookEndpoint(`${receiver.url}/api/billing/webhook`);
  });
  afterEach(() => {
    stack.emulator.setDelivery({});
    stack.emulator.setFaults([]);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await stack.close();
  });

  async function checkout(serverUrl: string, token: string, priceId: string) {
    return request(serverUrl, 'POST', '/api/billing/checkout', { token, body: checkoutBody(priceId) });
  }

  async function checkoutSession(serverUrl: string, token: string, priceId: string) {
    const response = await checkout(serverUrl, token, priceId);
    expect(response.status).toBe(200);
    return (response.body as { data: { sessionId: string; url: string } }).data;
  }

  async function liveRowsOf(userId: string) {
    const rows = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.userId, userId));
    return rows.filter((row) => ['active', 'trialing', 'past_due'].includes(row.status));
  }

  it('expires the earlier checkout page when a second checkout is made: only the newer one can be paid', async () => {
    const user = await signUp(stack.server.url);
    const starter = await checkoutSession(stack.server.url, user.token, 'price_starter_monthly');
    const pro = await checkoutSession(stack.server.url, user.token, 'price_pro_yearly');

    expect((await stripe.checkout.sessions.retrieve(starter.sessionId)).status).toBe('expired');
    const refused = await fetch(starter.url, { method: 'POST', redirect: 'manual' });
    expect(refused.status).toBe(410);
    const paid = await fetch(pro.url, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);

    await stack.emulator.flushWebhooks();
    const customer = (await stripe.checkout.sessions.retrieve(pro.sessionId)).customer as string;
    const atStripe = await stripe.subscriptions.list({ customer, status: 'all' });
    expect(atStripe.data.map((subscription) => subscription.items.data[0]?.price.id)).toEqual(['price_pro_yearly']);
    expect((await liveRowsOf(user.userId)).map((row) => row.priceId)).toEqual(['price_pro_yearly']);
  });

  it('still replays an Idempotency-Key with its own session after a newer checkout expired it', async () => {
    const user = await signUp(stack.server.url);
    const keyed = () =>
      request(stack.server.url, 'POST', '/api/billing/checkout', {
        token: user.token,
        body: checkoutBody('price_starter_monthly'),
        headers: { 'idempotency-key': `first-${user.userId}` },
      });
    const first = await keyed();
    expect(first.status).toBe(200);
    const newer = await checkoutSession(stack.server.url, user.token, 'price_pro_yearly');

    const replay = await keyed();
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    const { sessionId } = (first.body as { data: { sessionId: string } }).data;
    expect((await stripe.checkout.sessions.retrieve(sessionId)).status).toBe('expired');
    expect((await stripe.checkout.sessions.retrieve(newer.sessionId)).status).toBe('open');
  });

  it('leaves exactly one payable session when checkouts race on two servers', async () => {
    const user = await signUp(stack.server.url);
    const servers = [stack.server.url, stack.second.url];
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        checkout(servers[i % 2]!, user.token, i % 2 ? 'price_pro_yearly' : 'price_starter_monthly'),
      ),
    );
    expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
    const created = responses.filter((response) => response.status === 200);
    expect(created.length).toBeGreaterThanOrEqual(1);

    const customer = (await stripe.customers.list({ email: user.email })).data[0]!.id;
    const open = await stripe.checkout.sessions.list({ customer, status: 'open' });
    expect(open.data).toHaveLength(1);
    const payable = await Promise.all(
      created.map(async (response) => {
        const { url } = (response.body as { data: { url: string } }).data;
        return (await fetch(url)).status === 200;
      }),
    );
    expect(payable.filter(Boolean)).toHaveLength(1);
  });

  /** A subscribed user, then a second subscription for their customer made outside the app and paid. */
  async function secondSubscriptionFromOutside() {
    const user = await signUp(stack.server.url);
    const first = await checkoutSession(stack.server.url, user.token, 'price_starter_monthly');
    expect((await fetch(first.url, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await stack.emulator.flushWebhooks();
    const [kept] = await liveRowsOf(user.userId);
    expect(kept).toBeDefined();

    const outside = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: kept!.customerId,
      line_items: [{ price: 'price_pro_yearly', quantity: 1 }],
      success_url: `${SEED_ORIGIN}/elsewhere`,
    });
    expect((await fetch(outside.url!, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await stack.emulator.flushWebhooks();
    const duplicateId = (await stripe.checkout.sessions.retrieve(outside.id)).subscription as string;
    return { user, kept: kept!, duplicateId };
  }

  async function expectCanceledAndCredited(userId: string, keptId: string, duplicateId: string) {
    const customer = (await stripe.subscriptions.retrieve(keptId)).customer as string;
    const live = await stripe.subscriptions.list({ customer });
    expect(live.data.map((subscription) => subscription.id)).toEqual([keptId]);
    expect((await stripe.subscriptions.retrieve(duplicateId)).status).toBe('canceled');

    const [invoice] = (await stripe.invoices.list({ subscription: duplicateId, status: 'paid' })).data;
    expect(invoice!.amount_paid).toBeGreaterThan(0);
    const notes = await stripe.creditNotes.list({ invoice: invoice!.id });
    expect(notes.data.map((note) => [note.total, note.reason])).toEqual([[invoice!.amount_paid, 'duplicate']]);
    expect((await stripe.customers.retrieve(customer)) as Stripe.Customer).toMatchObject({
      balance: -invoice!.amount_paid,
    });

    expect((await liveRowsOf(userId)).map((row) => row.id)).toEqual([keptId]);
    const [recorded] = await stack.database.db
      .select()
      .from(duplicateSubscriptions)
      .where(eq(duplicateSubscriptions.userId, userId));
    expect(recorded).toMatchObject({
      subscriptionId: duplicateId,
      keptSubscriptionId: keptId,
      creditNoteIds: [notes.data[0]!.id],
      creditedAmount: invoice!.amount_paid,
      currency: invoice!.currency,
    });
    expect(recorded!.resolvedAt).not.toBeNull();
  }

  it('cancels and credits a second subscription made outside the app, and logs it at warn', async () => {
    const { user, kept, duplicateId } = await secondSubscriptionFromOutside();
    await expectCanceledAndCredited(user.userId, kept.id, duplicateId);

    const warnings = fleetLog
      .map((line) => JSON.parse(line) as { level: number; subscriptionId?: string; msg: string })
      .filter((line) => line.subscriptionId === duplicateId);
    expect(warnings.map((line) => [line.level, line.msg])).toEqual([
      [40, 'a user had a second live subscription: canceled it and credited its payment to their balance'],
    ]);
  });

  it('retries a cancel-and-credit that failed when Stripe redelivers the event', async () => {
    // Every credit note create fails (the SDK's own retries too) until the faults are lifted.
    stack.emulator.setFaults([{ endpoint: 'POST /v1/credit_notes', rate: 1, kind: '500' }]);
    const failureLogged = () =>
      fleetLog.some((line) => line.includes('could not cancel and credit a second live subscription'));
    const outcome = secondSubscriptionFromOutside();
    await expect.poll(failureLogged, { timeout: 30_000 }).toBe(true);
    stack.emulator.setFaults([]);
    const { user, kept, duplicateId } = await outcome;
    await expectCanceledAndCredited(user.userId, kept.id, duplicateId);
  });

  it('ends the same when the events are duplicated and shuffled', async () => {
    stack.emulator.setDelivery({ duplicate: true, shuffle: true });
    const { user, kept, duplicateId } = await secondSubscriptionFromOutside();
    await expectCanceledAndCredited(user.userId, kept.id, duplicateId);
  });
});
