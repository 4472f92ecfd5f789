import { randomUUID } from 'node:crypto';
import { TtlCache } from '@subkit/core';
import { stripeEvents, subscriptions } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveEntitlements, entitlementsOf } from '../src/entitlements/entitlements';
import { createStripeClient } from '../src/stripe/client';
import { drainOnce } from '../src/webhooks/drain';
import { receiveStripeEvent } from '../src/webhooks/process-event';
import { subscribedUser } from './subscribed-user';

const PRO_FEATURES = ['Unlimited projects', 'Report export', 'Priority support'];

describe('deriveEntitlements', () => {
  const pro = { features: PRO_FEATURES };

  it.each(['active', 'trialing', 'past_due'])('gives the plan’s features to a %s subscription', (status) => {
    expect(deriveEntitlements({ status }, pro)).toEqual({ subscribed: true, status, features: PRO_FEATURES });
  });

  it.each(['unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused'])('gives nothing to %s', (status) => {
    expect(deriveEntitlements({ status }, pro)).toEqual({ subscribed: false, status, features: [] });
  });

  it('gives nothing without a subscription, and no features for a price Stripe no longer has', () => {
    expect(deriveEntitlements(undefined, null)).toEqual({ subscribed: false, status: null, features: [] });
    expect(deriveEntitlements({ status: 'active' }, null)).toEqual({
      subscribed: true,
      status: 'active',
      features: [],
    });
  });
});

describe.each(testDatabaseKinds())('entitlements from the stored subscription on %s', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase;
  let stripe: Stripe;

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
    stripe = createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url });
  });
  afterAll(async () => {
    await Promise.all([database.destroy(), emulator.close()]);
  });

  /** A user subscribed in Stripe and recorded through the webhook path (no endpoint: events are fed by hand). */
  async function subscriber(price: string, cache: TtlCache) {
    const { userId, subscriptionId } = await subscribedUser(database.db, stripe, emulator, price);
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    await feed(cache, 'customer.subscription.created', subscription);
    return { userId, subscription };
  }

  function feed(cache: TtlCache, type: string, object: { id: string }) {
    const event = {
      id: `evt_${randomUUID()}`,
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000),
      data: { object },
    } as unknown as Stripe.Event;
    return applyThroughDrain(cache, event);
  }

  /** As the endpoint and the drain do it: recorded, then drained; the event's outcome in the ledger. */
  async function applyThroughDrain(cache: TtlCache, event: Stripe.Event) {
    expect(await receiveStripeEvent(database.db, event)).toBe('received');
    const deps = { db: database.db, stripe, cache, log: console, readBudget: { take: async () => {} } };
    expect(await drainOnce(deps)).toBe(1);
    const [entry] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
    return entry?.outcome;
  }

  it('reads the plan’s features once, then from the cache', async () => {
    const cache = new TtlCache();
    const { userId } = await subscriber('price_1ABC123XYZ', cache);
    emulator.resetStats();
    expect(await entitlementsOf({ db: database.db, stripe, cache }, userId)).toEqual({
      subscribed: true,
      status: 'active',
      features: PRO_FEATURES,
    });
    await entitlementsOf({ db: database.db, stripe, cache }, userId);
    expect(emulator.stats().byEndpoint['GET /v1/prices/:id']).toBe(1);
  });

  it('follows the stored status, which invoice.payment_action_required reads again from Stripe', async () => {
    const cache = new TtlCache();
    const { userId, subscription } = await subscriber('price_starter_monthly', cache);
    await database.db.update(subscriptions).set({ status: 'past_due' }).where(eq(subscriptions.id, subscription.id));
    expect(await entitlementsOf({ db: database.db, stripe, cache }, userId)).toMatchObject({
      subscribed: true,
      features: ['Up to 3 projects', 'Email support'],
    });
    // Stripe still has it active: the invoice event reads it again and the row follows.
    const invoice = {
      id: 'in_action',
      object: 'invoice',
      parent: { subscription_details: { subscription: subscription.id } },
    };
    expect(await feed(cache, 'invoice.payment_action_required', invoice)).toBe('applied');
    expect(await entitlementsOf({ db: database.db, stripe, cache }, userId)).toMatchObject({ status: 'active' });

    await stripe.subscriptions.cancel(subscription.id);
    await feed(cache, 'customer.subscription.deleted', subscription);
    expect(await entitlementsOf({ db: database.db, stripe, cache }, userId)).toEqual({
      subscribed: false,
      status: 'canceled',
      features: [],
    });
  });
});
