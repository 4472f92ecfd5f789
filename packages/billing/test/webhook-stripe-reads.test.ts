import { randomUUID } from 'node:crypto';
import { TtlCache } from '@subkit/core';
import { createDatabase, type DatabaseHandle, stripeEvents, subscriptions } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../src/stripe/client';
import { type DrainDeps, type DrainOptions, drainOnce } from '../src/webhooks/drain';
import { type EventOutcome, receiveStripeEvent } from '../src/webhooks/process-event';
import { subscribedUser } from './subscribed-user';

/**
 * The real client, with its subscription reads held until `release()`: a slow network between us
 * and Stripe. `answer` holds the answer (Stripe has read the subscription when `reached` resolves);
 * `request` holds the request (Stripe reads it only after the release).
 */
function withHeldSubscriptionReads(stripe: Stripe, hold: 'answer' | 'request') {
  let release!: () => void;
  let markReached!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    markReached = resolve;
  });
  const held = Object.create(stripe) as Stripe;
  held.subscriptions = Object.create(stripe.subscriptions, {
    retrieve: {
      value: async (...args: Parameters<Stripe['subscriptions']['retrieve']>) => {
        if (hold === 'request') {
          markReached();
          await released;
          return stripe.subscriptions.retrieve(...args);
        }
        const subscription = await stripe.subscriptions.retrieve(...args);
        markReached();
        await released;
        return subscription;
      },
    },
  });
  return { stripe: held, reached, release };
}

/** Long enough that no claim runs out during a test, unless the test means it to. */
const LONG_LEASE: DrainOptions = { leaseSeconds: 600, subjectsPerClaim: 10, idlePollMs: 50 };
/** A lease short enough to watch one run out. */
const SHORT_LEASE: DrainOptions = { ...LONG_LEASE, leaseSeconds: 1 };

function subscriptionUpdated(subscriptionId: string): Stripe.Event {
  return {
    id: `evt_${randomUUID()}`,
    object: 'event',
    type: 'customer.subscription.updated',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: subscriptionId, object: 'subscription' } },
  } as unknown as Stripe.Event;
}

describe.each(testDatabaseKinds())('the webhook drain’s reads of Stripe on %s', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase;
  /** One connection, so a drain that held one across its Stripe read would stall everything else. */
  let narrow: DatabaseHandle;
  let stripe: Stripe;
  const cache = new TtlCache();

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
    narrow = database.url ? await createDatabase({ url: database.url, maxConnections: 1, migrate: false }) : database;
    stripe = createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url });
  });
  afterEach(() => emulator.setFaults([]));

  /**
   * What one server process's drain works with, on the one-connection pool; `outcomes` collects
   * what it reports for each event. The read budget is tested with the server that builds it.
   */
  function drainOf(client: Stripe) {
    const outcomes: (EventOutcome | 'failed')[] = [];
    const deps: DrainDeps = {
      db: narrow.db,
      stripe: client,
      cache,
      log: console,
      readBudget: { take: async () => {} },
      onOutcome: (_type, outcome) => outcomes.push(outcome),
    };
    return { deps, outcomes };
  }
  const subscriptionReads = () => emulator.stats().byEndpoint['GET /v1/subscriptions/:id'] ?? 0;
  afterAll(async () => {
    if (narrow !== database) await narrow.close();
    await Promise.all([database.destroy(), emulator.close()]);
  });

  const storedRow = async (subscriptionId: string) =>
    (await narrow.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))[0];
  const ledgerRow = async (eventId: string) =>
    (await narrow.db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId)))[0];
  const ledgerSeq = async (eventId: string) =>
    (await narrow.db.select({ seq: stripeEvents.seq }).from(stripeEvents).where(eq(stripeEvents.id, eventId)))[0]?.seq;

  it('reads a subscription for one drain at a time, holding no connection, and gives events received meanwhile a read of their own', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const slow = withHeldSubscriptionReads(stripe, 'answer');
    const first = drainOf(slow.stripe);
    const second = drainOf(stripe);
    const earlier = subscriptionUpdated(subscriptionId);
    expect(await receiveStripeEvent(narrow.db, earlier)).toBe('received');
    const firstDrain = drainOnce(first.deps, LONG_LEASE);
    await slow.reached; // Stripe said "active"; the answer is still on its way

    await stripe.subscriptions.cancel(subscriptionId);
    const later = subscriptionUpdated(subscriptionId);
    // Recorded, and a second drain looks, while the first waits on Stripe: that wait holds no connection.
    expect(await receiveStripeEvent(narrow.db, later)).toBe('received');
    const readsBefore = subscriptionReads();
    // The subscription is the first drain's until it is done: the second neither claims nor reads it.
    expect(await drainOnce(second.deps, LONG_LEASE)).toBe(0);
    expect(subscriptionReads()).toBe(readsBefore);

    slow.release();
    expect(await firstDrain).toBe(1);
    expect(first.outcomes).toEqual(['applied']);
    expect(await storedRow(subscriptionId)).toMatchObject({
      status: 'active',
      sourceEventSeq: await ledgerSeq(earlier.id),
    });
    // The first read started before the later event was received, so it cannot stand for it.
    expect((await ledgerRow(later.id))?.processedAt).toBeNull();

    expect(await drainOnce(second.deps, LONG_LEASE)).toBe(1);
    expect(second.outcomes).toEqual(['applied']);
    expect(subscriptionReads()).toBe(readsBefore + 1);
    expect(await storedRow(subscriptionId)).toMatchObject({
      status: 'canceled',
      sourceEventSeq: await ledgerSeq(later.id),
    });
  });

  it('never lets a read that answers after its claim ran out overwrite what the drain that took over stored', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const slow = withHeldSubscriptionReads(stripe, 'answer');
    const first = drainOf(slow.stripe);
    const second = drainOf(stripe);
    const earlier = subscriptionUpdated(subscriptionId);
    await receiveStripeEvent(narrow.db, earlier);
    const firstDrain = drainOnce(first.deps, SHORT_LEASE);
    await slow.reached; // Stripe said "active"; the answer is still on its way

    await stripe.subscriptions.cancel(subscriptionId);
    const later = subscriptionUpdated(subscriptionId);
    await receiveStripeEvent(narrow.db, later);
    // Once the first drain's lease has run out, the second takes both events over with one newer read.
    await expect.poll(() => drainOnce(second.deps, SHORT_LEASE), { timeout: 30_000, interval: 200 }).toBe(2);
    expect(await storedRow(subscriptionId)).toMatchObject({
      status: 'canceled',
      sourceEventSeq: await ledgerSeq(later.id),
    });

    slow.release();
    expect(await firstDrain).toBe(1);
    // Its "active" came too late: the event was applied meanwhile, so it writes nothing.
    expect(first.outcomes).toEqual(['duplicate']);
    expect(await storedRow(subscriptionId)).toMatchObject({
      status: 'canceled',
      sourceEventSeq: await ledgerSeq(later.id),
    });
    expect(await ledgerRow(earlier.id)).toMatchObject({ outcome: 'applied', attempts: 1, error: null });
  });

  it('lets each later event’s read replace the row the previous one wrote', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const { deps } = drainOf(stripe);
    await receiveStripeEvent(narrow.db, subscriptionUpdated(subscriptionId));
    expect(await drainOnce(deps, LONG_LEASE)).toBe(1);
    expect(await storedRow(subscriptionId)).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });

    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await receiveStripeEvent(narrow.db, subscriptionUpdated(subscriptionId));
    expect(await drainOnce(deps, LONG_LEASE)).toBe(1);
    expect(await storedRow(subscriptionId)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
  });

  it('applies an event delivered twice once, with one read, and answers a redelivery after that as a duplicate', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const { deps, outcomes } = drainOf(stripe);
    const event = subscriptionUpdated(subscriptionId);
    expect(await receiveStripeEvent(narrow.db, event)).toBe('received');
    expect(await receiveStripeEvent(narrow.db, event)).toBe('received');
    emulator.resetStats();
    expect(await drainOnce(deps, LONG_LEASE)).toBe(1);
    expect(outcomes).toEqual(['applied']);
    expect(subscriptionReads()).toBe(1);

    expect(await receiveStripeEvent(narrow.db, event)).toBe('duplicate');
    expect(await drainOnce(deps, LONG_LEASE)).toBe(0);
    expect(emulator.stats().requests).toBe(1);
  });

  it('counts a read that failed after another drain applied the events as a duplicate, recording no failure', async () => {
    const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
    const event = subscriptionUpdated(subscriptionId);
    const noRetries = createStripeClient({
      secretKey: emulator.secretKey,
      apiBase: emulator.url,
      maxNetworkRetries: 0,
    });
    const slow = withHeldSubscriptionReads(noRetries, 'request');
    const first = drainOf(slow.stripe);
    await receiveStripeEvent(narrow.db, event);
    const firstDrain = drainOnce(first.deps, SHORT_LEASE);
    await slow.reached; // this drain claimed the event and is about to ask Stripe

    await expect.poll(() => drainOnce(drainOf(stripe).deps, SHORT_LEASE), { timeout: 30_000, interval: 200 }).toBe(1);
    emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: '503' }]);
    slow.release();
    expect(await firstDrain).toBe(1);
    expect(first.outcomes).toEqual(['duplicate']);
    const entry = await ledgerRow(event.id);
    expect(entry).toMatchObject({ outcome: 'applied', error: null, attempts: 1 });
    expect(entry?.processedAt).not.toBeNull();
  });

  // A writer of the previous release holds a connection of its own, which PGlite (one per process) has not.
  if (kind === 'postgres') {
    it('lets a writer of the previous release finish first, so a rolling upgrade cannot leave its older read on top', async () => {
      const { subscriptionId } = await subscribedUser(database.db, stripe, emulator);
      const { deps } = drainOf(stripe);
      await receiveStripeEvent(narrow.db, subscriptionUpdated(subscriptionId));
      expect(await drainOnce(deps, LONG_LEASE)).toBe(1);

      // That release took this lock, read Stripe ("active") and then wrote without comparing anything.
      let previousReleaseRead!: () => void;
      let writeNow!: () => void;
      const hasRead = new Promise<void>((resolve) => {
        previousReleaseRead = resolve;
      });
      const previousRelease = database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`subscription:${subscriptionId}`}))`);
        previousReleaseRead();
        await new Promise<void>((resolve) => {
          writeNow = resolve;
        });
        await tx.update(subscriptions).set({ status: 'active' }).where(eq(subscriptions.id, subscriptionId));
      });
      await hasRead;

      await stripe.subscriptions.cancel(subscriptionId);
      await receiveStripeEvent(narrow.db, subscriptionUpdated(subscriptionId));
      const current = drainOnce(deps, LONG_LEASE);
      // Without the lock, ours would be written by now and then overwritten by the older read.
      await Promise.race([current, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      writeNow();
      await previousRelease;
      expect(await current).toBe(1);
      expect(await storedRow(subscriptionId)).toMatchObject({ status: 'canceled' });
    });
  }
});
