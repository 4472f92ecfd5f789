/**
 * Guarantees that must hold across server processes, not just inside one, proven with real child
 * processes (`src/main.ts`): on Postgres (whenever DATABASE_URL is set) two processes share the
 * work; on PGlite, which lives inside one process, a second process must refuse to start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripeEvents, users } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, emulatorSdk, ledgerDrained, request, SEED_ORIGIN, signUp } from '../harness';
import { emulatorEnv, type ServerProcess, spawnServer } from '../processes';

const CONCURRENT_FIRST_CHECKOUTS = 50;

describe.each(testDatabaseKinds())('several server processes (%s)', (kind) => {
  if (kind === 'pglite') {
    it('refuses a second process on the same PGlite directory, and the first keeps serving', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'subkit-pglite-'));
      const emulator = await startStripeEmulator({ port: 0 });
      const env = { ...emulatorEnv(emulator), PGLITE_DIR: join(dir, 'db') };
      const first = await spawnServer(env);
      try {
        const second = await spawnServer(env).catch((error: unknown) => error);
        expect(second).toBeInstanceOf(Error);
        expect((second as Error).message).toMatch(
          /in use by process \d+\. PGlite serves one process; set DATABASE_URL/,
        );
        expect((await request(first.url, 'GET', '/api/health')).status).toBe(200);
      } finally {
        await first.stop();
        await emulator.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
    return;
  }

  describe('two processes on one Postgres', () => {
    let emulator: StripeEmulator;
    let database: TestDatabase;
    let servers: ServerProcess[];
    let stripe: Stripe;

    beforeAll(async () => {
      [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase('postgres')]);
      const env = { ...emulatorEnv(emulator), DATABASE_URL: database.url! };
      servers = await Promise.all([spawnServer(env), spawnServer(env)]);
      stripe = emulatorSdk(emulator);
    }, 90_000);
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await Promise.all([database.destroy(), emulator.close()]);
    });

    it(`leaves exactly one Stripe customer after ${CONCURRENT_FIRST_CHECKOUTS} concurrent first checkouts`, async () => {
      const user = await signUp(servers[0]!.url);
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT_FIRST_CHECKOUTS }, (_, i) =>
          request(servers[i % 2]!.url, 'POST', '/api/billing/checkout', {
            token: user.token,
            body: checkoutBody(),
          }),
        ),
      );
      // The newest checkout supersedes the others (409), so only one session is left to pay.
      expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
      expect(responses.some((response) => response.status === 200)).toBe(true);
      const customers = await stripe.customers.list({ email: user.email, limit: 100 });
      expect(customers.data).toHaveLength(1);
      const open = await stripe.checkout.sessions.list({ customer: customers.data[0]!.id, status: 'open' });
      expect(open.data).toHaveLength(1);
      const [stored] = await database.db.select().from(users).where(eq(users.id, user.userId));
      expect(stored?.stripeCustomerId).toBe(customers.data[0]?.id);
      console.log(
        `RELIABILITY customer-race ${JSON.stringify({ processes: 2, concurrentCheckouts: CONCURRENT_FIRST_CHECKOUTS, customers: customers.data.length })}`,
      );
    });

    it('relinks exactly one new customer when checkouts race on both processes after Stripe lost the old one', async () => {
      const user = await signUp(servers[0]!.url);
      const checkout = (i: number) =>
        request(servers[i % 2]!.url, 'POST', '/api/billing/checkout', {
          token: user.token,
          body: { priceId: 'price_1ABC123XYZ', successUrl: `${SEED_ORIGIN}/ok`, cancelUrl: `${SEED_ORIGIN}/no` },
        });
      expect((await checkout(0)).status).toBe(200);
      const [linked] = await database.db.select().from(users).where(eq(users.id, user.userId));
      await stripe.customers.del(linked!.stripeCustomerId!);

      const responses = await Promise.all(Array.from({ length: CONCURRENT_FIRST_CHECKOUTS }, (_, i) => checkout(i)));

      // The newest checkout supersedes the others (409); none fails for the missing customer.
      expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
      expect(responses.some((response) => response.status === 200)).toBe(true);
      const customers = await stripe.customers.list({ email: user.email, limit: 100 });
      expect(customers.data).toHaveLength(1);
      expect(customers.data[0]?.id).not.toBe(linked!.stripeCustomerId);
      const [relinked] = await database.db.select().from(users).where(eq(users.id, user.userId));
      expect(relinked?.stripeCustomerId).toBe(customers.data[0]?.id);
    });

    it('applies an event once when both processes receive it at the same moment', async () => {
      const eventId = `evt_twice_${Date.now()}`;
      const payload = JSON.stringify({
        id: eventId,
        object: 'event',
        type: 'invoice.created',
        created: Math.floor(Date.now() / 1000),
        data: { object: {} },
      });
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: emulator.webhookSecret });
      const deliveries = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(servers[i % 2]!.url, 'POST', '/api/billing/webhook', {
            rawBody: payload,
            headers: { 'content-type': 'application/json', 'stripe-signature': header },
          }),
        ),
      );
      expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
      const outcomes = deliveries.map((delivery) => (delivery.body as { data: { outcome: string } }).data.outcome);
      expect(outcomes.filter((outcome) => outcome !== 'duplicate')).toContain('received');
      expect(await ledgerDrained(database)).toBe(true);
      const rows = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
      expect(rows).toHaveLength(1);
      // Processed once, by one of the two drains.
      expect(rows[0]).toMatchObject({ outcome: 'ignored', attempts: 1 });
    });
  });
});
