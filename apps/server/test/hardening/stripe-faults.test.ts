/**
 * Figure: checkouts under 30 % injected transient Stripe faults. Goal: >= 97 % succeed, every
 * failure a clean envelope, 0 orphan customers, 0 duplicate customers, 0 duplicate sessions per
 * Idempotency-Key. The numbers are printed for docs/reliability.md.
 */
import { BILLING_ERROR_CODES } from '@subkit/billing';
import { checkoutRequests, users } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { isNotNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutBody,
  emulatorSdk,
  type JsonResponse,
  request,
  signUp,
  startTestServer,
  type TestServer,
} from '../harness';

const USERS = 100;
const CHECKOUTS_PER_USER = 5;
const CONCURRENCY = 20;
const FAULT_RATE = 0.3;
const TRANSIENT_KINDS = ['500', '502', '503', '429-retry', 'reset', 'timeout'] as const;
// Rules are tried in turn, each with its own dice: this per-rule rate makes the total FAULT_RATE.
const PER_KIND_RATE = 1 - (1 - FAULT_RATE) ** (1 / TRANSIENT_KINDS.length);

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

describe.each(testDatabaseKinds())('checkout under 30 %% transient Stripe faults (%s)', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase;
  let server: TestServer;
  let stripe: Stripe;

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
    // A short timeout keeps the "timeout" fault (Stripe never answers) from dominating the run time.
    server = await startTestServer(database, emulator, {}, { timeoutMs: 1_000 });
    stripe = emulatorSdk(emulator);
  });
  afterAll(async () => {
    await server.close();
    await Promise.all([database.destroy(), emulator.close()]);
  });

  it(`holds >= 97 % success over ${USERS * CHECKOUTS_PER_USER} checkouts with 0 orphans and 0 duplicates`, async () => {
    const people = await Promise.all(Array.from({ length: USERS }, () => signUp(server.url)));
    emulator.setFaults(TRANSIENT_KINDS.map((faultKind) => ({ endpoint: '*', rate: PER_KIND_RATE, kind: faultKind })));
    const requestsBefore = emulator.stats().requests;

    // Each person's checkouts follow one another (people run side by side): two checkouts of one
    // person in flight together are a race the newer one wins with 409 for the older, by design.
    const keysOf = (person: (typeof people)[number]) =>
      Array.from({ length: CHECKOUTS_PER_USER }, (_, n) => `${person.userId}-${n}`);
    const results: { key: string; token: string; response: JsonResponse }[] = [];
    const checkout = (token: string, key: string) =>
      request(server.url, 'POST', '/api/billing/checkout', {
        token,
        headers: { 'idempotency-key': key },
        body: checkoutBody(),
      });
    const started = Date.now();
    await inPool(people, CONCURRENCY, async (person) => {
      for (const key of keysOf(person)) {
        results.push({ key, token: person.token, response: await checkout(person.token, key) });
      }
    });
    const elapsedMs = Date.now() - started;
    const stripeRequests = emulator.stats().requests - requestsBefore;

    const failures = results.filter(({ response }) => response.status !== 200);
    const successRate = 1 - failures.length / results.length;
    for (const { response } of failures) {
      expect([502, 503]).toContain(response.status);
      expect(response.body).toEqual({
        success: false,
        error: response.status === 502 ? BILLING_ERROR_CODES.PROVIDER_UNREACHABLE : BILLING_ERROR_CODES.PROVIDER_BUSY,
      });
    }

    // A failed checkout is retried by its caller with the same key, as a client would, Stripe still faulty.
    await inPool(failures, CONCURRENCY, async (failure) => {
      for (let retry = 0; retry < 5; retry++) {
        if ((await checkout(failure.token, failure.key)).status === 200) return;
      }
    });
    emulator.setFaults([]);

    const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const linked = new Set(
      (
        await database.db.select({ id: users.stripeCustomerId }).from(users).where(isNotNull(users.stripeCustomerId))
      ).map((row) => row.id),
    );
    const orphans = customers.filter((customer) => !linked.has(customer.id)).length;
    const perUser = new Map<string, number>();
    for (const customer of customers) {
      perUser.set(customer.metadata.userId ?? '', (perUser.get(customer.metadata.userId ?? '') ?? 0) + 1);
    }
    const duplicateCustomers = [...perUser.values()].filter((count) => count > 1).length;

    // Every Stripe session belongs to exactly one key: no key produced two sessions.
    const sessions = await stripe.checkout.sessions.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const remembered = await database.db.select().from(checkoutRequests);
    const sessionsByKey = remembered.filter((row) => row.sessionId).length;
    const duplicateSessions = sessions.length - sessionsByKey;

    const figures = {
      database: kind,
      checkouts: results.length,
      faultRate: FAULT_RATE,
      stripeRequests,
      succeededFirstTime: results.length - failures.length,
      successRate: Number((successRate * 100).toFixed(2)),
      failuresAllCleanEnvelopes: true,
      orphanCustomers: orphans,
      duplicateCustomers,
      duplicateSessions,
      seconds: Number((elapsedMs / 1000).toFixed(1)),
    };
    console.log(`RELIABILITY stripe-faults ${JSON.stringify(figures)}`);

    expect(successRate).toBeGreaterThanOrEqual(0.97);
    expect(orphans).toBe(0);
    expect(duplicateCustomers).toBe(0);
    expect(duplicateSessions).toBe(0);
    expect(customers.length).toBe(USERS);
  }, 300_000);
});
