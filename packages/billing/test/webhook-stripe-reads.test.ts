import { randomUUID } from 'node:crypto';
import { TtlCache } from '@subkit/core';
import { createDatabase, type DatabaseHandle, stripeEvents, subscriptions, users } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../src/stripe/client';
import { processStripeEvent } from '../src/webhooks/process-event';

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

function subscriptionUpdated(subscriptionId: string): Stripe.Event {
  return {
    id: `evt_${randomUUID()}`,
    object: 'event',
    type: 'customer.subscription.updated',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: subscriptionId, object: 'subscription' } },
  } as unknown as Stripe.Event;
}

describe.each(testDatabaseKinds())('webhook reads of Stripe on %s', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase;
  /** One connection, so a webhook that held one across its Stripe read would stall everything else. */
  let narrow: DatabaseHandle;
  let stripe: Stripe;
  const cache = new TtlCache();

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
    narrow = database.url ? await createDatabase({ url: database.url, maxConnections: 1, migrate: false }) : database;
    stripe = createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url });
  });
  afterEach(() => emulator.setFaults([]));
  afterAll(async () => {
    if (narrow !== database) await narrow.close();
    await Promise.all([database.destroy(), emulator.close()]);
  });

  /** A user of ours with a paid subscription in Stripe; no webhook endpoint is registered, so no event arrives by itself. */
  async function subscribedUser() {
    const email = `${randomUUID()}@example.com`;
    const customer = await stripe.customers.create({ email });
    const [user] = await database.db
      .insert(users)
      .values({ email, passwordHash: 'unused', stripeCustomerId: customer.id })
      .returning({ id: users.id });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_1ABC123XYZ', quantity: 1 }],
      success_url: 'https://app.example.com/dashboard',
      cancel_url: 'https://app.example.com/pricing',
    });
    const completed = await fetch(`${emulator.url}/v1/test_helpers/checkout/sessions/${session.id}/complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.secretKey}` },
    });
    const { subscription } = (await completed.json()) as { subscription: string };
    return { userId: user!.id, subscriptionId: subscription };
  }

  const storedRow = async (subscriptionId: string) =>
    (await narrow.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))[0];
  const ledgerSeq = async (eventId: string) =>
    (await narrow.db.select({ seq: stripeEvents.seq }).from(stripeEvents).where(eq(stripeEvents.id, eventId)))[0]?.seq;

  it('keeps the read made for the later event when an earlier event’s read answers last', async () => {
    const { subscriptionId } = await subscribedUser();
    const slow = withHeldSubscriptionReads(stripe, 'answer');
    const earlier = subscriptionUpdated(subscriptionId);
    const earlierOutcome = processStripeEvent({ db: narrow.db, stripe: slow.stripe, cache, log: console }, earlier);
    await slow.reached; // Stripe said "active"; the answer is still on its way

    await stripe.subscriptions.cancel(subscriptionId);
    const later = subscriptionUpdated(subscriptionId);
    // Goes through while the earlier event waits on Stripe: that wait holds no connection.
    expect(await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, later)).toBe('applied');
    expect(await storedRow(subscriptionId)).toMatchObject({ status: 'canceled' });

    slow.release();
    expect(await earlierOutcome).toBe('applied');
    const row = await storedRow(subscriptionId);
    expect(row?.status).toBe('canceled');
    expect(row?.sourceEventSeq).toBe(await ledgerSeq(later.id));
    expect(await ledgerSeq(earlier.id)).toBeLessThan(row!.sourceEventSeq);
  });

  it('lets each later event’s read replace the row the previous one wrote', async () => {
    const { subscriptionId } = await subscribedUser();
    const first = subscriptionUpdated(subscriptionId);
    expect(await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, first)).toBe('applied');
    expect(await storedRow(subscriptionId)).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });

    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    const second = subscriptionUpdated(subscriptionId);
    expect(await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, second)).toBe('applied');
    expect(await storedRow(subscriptionId)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
  });

  it('answers a redelivery of a processed event as a duplicate without asking Stripe again', async () => {
    const { subscriptionId } = await subscribedUser();
    const event = subscriptionUpdated(subscriptionId);
    expect(await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, event)).toBe('applied');
    const before = emulator.stats().requests;
    expect(await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, event)).toBe('duplicate');
    expect(emulator.stats().requests).toBe(before);
  });

  it('answers a delivery whose Stripe read failed while another applied the event as a duplicate', async () => {
    const { subscriptionId } = await subscribedUser();
    const event = subscriptionUpdated(subscriptionId);
    const noRetries = createStripeClient({
      secretKey: emulator.secretKey,
      apiBase: emulator.url,
      maxNetworkRetries: 0,
    });
    const slow = withHeldSubscriptionReads(noRetries, 'request');
    const failing = processStripeEvent({ db: narrow.db, stripe: slow.stripe, cache, log: console }, event);
    await slow.reached; // this delivery found the event unprocessed and is about to ask Stripe

    expect(await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, event)).toBe('applied');
    emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: '503' }]);
    slow.release();
    expect(await failing).toBe('duplicate');
    const [entry] = await narrow.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
    expect(entry).toMatchObject({ error: null, attempts: 1 });
    expect(entry?.processedAt).not.toBeNull();
  });

  // A writer of the previous release holds a connection of its own, which PGlite (one per process) has not.
  if (kind === 'postgres') {
    it('lets a writer of the previous release finish first, so a rolling upgrade cannot leave its older read on top', async () => {
      const { subscriptionId } = await subscribedUser();
      expect(
        await processStripeEvent({ db: narrow.db, stripe, cache, log: console }, subscriptionUpdated(subscriptionId)),
      ).toBe('applied');

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
      const current = processStripeEvent(
        { db: narrow.db, stripe, cache, log: console },
        subscriptionUpdated(subscriptionId),
      );
      // Without the lock, ours would be written by now and then overwritten by the older read.
      await Promise.race([current, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      writeNow();
      await previousRelease;
      expect(await current).toBe('applied');
      expect(await storedRow(subscriptionId)).toMatchObject({ status: 'canceled' });
    });
  }
});
