import { randomUUID } from 'node:crypto';
import { TtlCache } from '@subkit/core';
import { stripeEvents, subscriptions } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../src/stripe/client';
import { claimEvents, type DrainDeps, type DrainOptions, drainOnce } from '../src/webhooks/drain';
import { receiveStripeEvent } from '../src/webhooks/process-event';
import { subscribedUser } from './subscribed-user';

function subscriptionUpdated(subscriptionId: string): Stripe.Event {
  return {
    id: `evt_${randomUUID()}`,
    object: 'event',
    type: 'customer.subscription.updated',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: subscriptionId, object: 'subscription' } },
  } as unknown as Stripe.Event;
}

/** A lease short enough to watch one expire. */
const SHORT_LEASE: DrainOptions = { leaseSeconds: 1, subjectsPerClaim: 10, idlePollMs: 50 };

describe.each(testDatabaseKinds())('the webhook drain on %s', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase;
  let stripe: Stripe;
  let deps: DrainDeps;

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
    stripe = createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url, maxNetworkRetries: 0 });
    deps = { db: database.db, stripe, cache: new TtlCache(), log: console, readBudget: { take: async () => {} } };
  });
  afterEach(() => emulator.setFaults([]));
  afterAll(async () => {
    await Promise.all([database.destroy(), emulator.close()]);
  });

  const ledgerRow = async (eventId: string) =>
    (await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId)))[0];

  it('takes over the events of a process that claimed them and died, once its lease runs out', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const event = subscriptionUpdated(subscriptionId);
    expect(await receiveStripeEvent(database.db, event)).toBe('received');

    // A process claims the event and is killed before applying it: nothing but its claim is left.
    expect((await claimEvents(database.db, SHORT_LEASE)).map((claimed) => claimed.id)).toEqual([event.id]);
    expect(await drainOnce(deps, SHORT_LEASE)).toBe(0);
    expect((await ledgerRow(event.id))?.processedAt).toBeNull();

    await expect.poll(() => drainOnce(deps, SHORT_LEASE), { timeout: 30_000, interval: 200 }).toBe(1);
    expect(await ledgerRow(event.id)).toMatchObject({
      outcome: 'applied',
      attempts: 1,
      error: null,
      claimedUntil: null,
    });
    const [row] = await database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
    expect(row).toMatchObject({ status: 'active', sourceEventSeq: (await ledgerRow(event.id))?.seq });
  });

  it('keeps a failed apply pending with its error and attempts, and retries it after the delay', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const event = subscriptionUpdated(subscriptionId);
    await receiveStripeEvent(database.db, event);
    emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: '503' }]);

    expect(await drainOnce(deps, SHORT_LEASE)).toBe(1);
    const failed = await ledgerRow(event.id);
    expect(failed).toMatchObject({ processedAt: null, attempts: 1, claimedUntil: null });
    expect(failed?.error).toEqual(expect.any(String));
    // Not retried before its delay (2^0 s) has passed.
    expect(failed!.nextAttemptAt.getTime()).toBeGreaterThan(failed!.receivedAt.getTime());

    emulator.setFaults([]);
    await expect.poll(() => drainOnce(deps, SHORT_LEASE), { timeout: 30_000, interval: 200 }).toBe(1);
    expect(await ledgerRow(event.id)).toMatchObject({ outcome: 'applied', attempts: 2, error: null });
  });

  it('applies all pending events of one subscription with one read, ordered by the newest of them', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const events = [subscriptionUpdated(subscriptionId), subscriptionUpdated(subscriptionId)];
    for (const event of events) await receiveStripeEvent(database.db, event);
    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });

    emulator.resetStats();
    expect(await drainOnce(deps, SHORT_LEASE)).toBe(2);
    expect(emulator.stats().byEndpoint['GET /v1/subscriptions/:id']).toBe(1);
    const rows = await Promise.all(events.map((event) => ledgerRow(event.id)));
    expect(rows.map((row) => row?.outcome)).toEqual(['applied', 'applied']);
    const [stored] = await database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
    expect(stored).toMatchObject({ cancelAtPeriodEnd: true, sourceEventSeq: rows[1]?.seq });
  });
});
