/**
 * A renewal storm through the webhook ledger: two servers sharing one database both receive every
 * event, twice and out of order, and drain the ledger side by side. What Stripe is asked is counted
 * from the emulator's request stats.
 */
import { stripeEvents, subscriptions } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkoutBody,
  flushDeliveries,
  ledgerDrained,
  payCheckout,
  request,
  signUp,
  startTwoServerStack,
  type TwoServerStack,
} from './harness';

const MONTH_AND_A_DAY = 32 * 24 * 60 * 60;
const RENEWED = 4;

describe.each(testDatabaseKinds())('webhooks under load on %s', (kind) => {
  let stack: TwoServerStack;

  /**
   * Two servers on one database, each an endpoint for every event, delivered twice and shuffled.
   * Their Stripe client does not retry on its own, so a failed read is back in the ledger at once.
   */
  async function startStack(env: Record<string, string>) {
    stack = await startTwoServerStack(kind, env, { maxNetworkRetries: 0 });
    for (const server of [stack.server, stack.second]) {
      stack.emulator.addWebhookEndpoint(`${server.url}/api/billing/webhook`);
    }
    stack.emulator.setDelivery({ duplicate: true, shuffle: true });
  }
  afterEach(async () => {
    await stack?.close();
  });

  const subscriptionReads = () => stack.emulator.stats().byEndpoint['GET /v1/subscriptions/:id'] ?? 0;

  /** A user who paid a monthly checkout, with its events applied. */
  async function subscriber() {
    const user = await signUp(stack.server.url);
    const response = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: checkoutBody(),
    });
    expect(response.status, response.text).toBe(200);
    const { sessionId } = (response.body as { data: { sessionId: string } }).data;
    const session = await payCheckout(stack.emulator, sessionId);
    await stack.emulator.flushWebhooks();
    return { ...user, subscriptionId: session.subscription as string };
  }

  /** The ledger rows of the events the emulator delivered since `since` deliveries. */
  async function deliveredRows(since: number) {
    const ids = [
      ...new Set(
        stack.emulator
          .webhookDeliveries()
          .slice(since)
          .map((delivery) => delivery.eventId),
      ),
    ];
    const rows = await stack.database.db.select().from(stripeEvents).where(inArray(stripeEvents.id, ids));
    return { ids, rows };
  }

  it('stores a cancellation from the event itself, without reading Stripe', async () => {
    await startStack({});
    const { subscriptionId } = await subscriber();
    const since = stack.emulator.webhookDeliveries().length;
    stack.emulator.resetStats();

    await stack.stripe.subscriptions.cancel(subscriptionId);
    await stack.emulator.flushWebhooks();

    expect(subscriptionReads()).toBe(0);
    const [row] = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
    expect(row?.status).toBe('canceled');
    const { ids, rows } = await deliveredRows(since);
    expect(rows.map((event) => event.type)).toContain('customer.subscription.deleted');
    expect(rows).toHaveLength(ids.length);
    expect(rows.filter((event) => event.processedAt === null)).toEqual([]);
  });

  it('holds the drain to its read budget, while checkouts go through', async () => {
    // One Stripe read per second per process (no REDIS_URL here): small enough to watch it hold reads back.
    await startStack({ STRIPE_READS_PER_SEC: '1' });
    const buyers = await Promise.all(Array.from({ length: 6 }, () => signUp(stack.server.url)));
    const sessions = await Promise.all(
      buyers.map(async (buyer) => {
        const response = await request(stack.server.url, 'POST', '/api/billing/checkout', {
          token: buyer.token,
          body: checkoutBody(),
        });
        expect(response.status, response.text).toBe(200);
        return (response.body as { data: { sessionId: string } }).data.sessionId;
      }),
    );
    const latecomer = await signUp(stack.server.url);
    stack.emulator.resetStats();

    // Every payment's events are recorded; each needs Stripe reads, 2 a second for the two processes.
    await Promise.all(sessions.map((sessionId) => payCheckout(stack.emulator, sessionId)));
    await flushDeliveries(stack.emulator);
    const checkout = await request(stack.second.url, 'POST', '/api/billing/checkout', {
      token: latecomer.token,
      body: checkoutBody(),
    });
    expect(checkout.status, checkout.text).toBe(200);
    // The checkout did not wait behind them: the drain still has events to read for.
    const pending = await stack.database.db.select().from(stripeEvents).where(isNull(stripeEvents.processedAt));
    expect(pending.length).toBeGreaterThan(0);

    expect(await ledgerDrained(stack.database, 120_000)).toBe(true);
    expect(subscriptionReads()).toBeGreaterThan(0);
    for (const buyer of buyers) {
      const rows = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.userId, buyer.userId));
      expect(rows.map((row) => row.status)).toEqual(['active']);
    }
  }, 300_000);

  it('reads each renewed subscription once, whichever process drains its events', async () => {
    await startStack({});
    await Promise.all(Array.from({ length: RENEWED }, () => subscriber()));
    const renewed = (
      await stack.database.db
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(eq(subscriptions.status, 'active'))
    ).map((row) => row.id);
    expect(renewed).toHaveLength(RENEWED);
    const since = stack.emulator.webhookDeliveries().length;
    // Reads fail until every renewal event is in the ledger, so all of a subscription's events are
    // pending together when the first read that can succeed starts.
    stack.emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: '503' }]);

    await stack.emulator.advanceClock(MONTH_AND_A_DAY);
    await flushDeliveries(stack.emulator);
    expect(
      stack.emulator
        .webhookDeliveries()
        .slice(since)
        .filter((delivery) => delivery.status !== 200),
    ).toEqual([]);
    // Every event is recorded; those needing a read failed, visibly, and wait for their retry,
    // claimed by no drain (a claim made before the last delivery would cover only part of them).
    const busy = and(
      isNull(stripeEvents.processedAt),
      or(eq(stripeEvents.attempts, 0), sql`${stripeEvents.claimedUntil} > now()`),
    );
    await expect
      .poll(async () => (await stack.database.db.select().from(stripeEvents).where(busy)).length, {
        timeout: 60_000,
        interval: 20,
      })
      .toBe(0);
    const waiting = (await deliveredRows(since)).rows.filter((event) => event.processedAt === null);
    expect(new Set(waiting.map((event) => event.subject))).toEqual(new Set(renewed));
    for (const event of waiting) expect(event.error).toEqual(expect.any(String));

    stack.emulator.setFaults([]);
    stack.emulator.resetStats();
    expect(await ledgerDrained(stack.database, 120_000)).toBe(true);

    expect(subscriptionReads()).toBeLessThanOrEqual(RENEWED);
    const { ids, rows } = await deliveredRows(since);
    expect(rows).toHaveLength(ids.length);
    expect(rows.filter((event) => event.processedAt === null)).toEqual([]);
    expect(rows.filter((event) => event.type === 'invoice.paid')).toHaveLength(RENEWED);
    for (const subscriptionId of renewed) {
      const inStripe = await stack.stripe.subscriptions.retrieve(subscriptionId);
      const [row] = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
      expect(row?.status).toBe('active');
      expect(row?.currentPeriodEnd?.getTime()).toBe(inStripe.items.data[0]!.current_period_end * 1000);
    }
  }, 300_000);
});
