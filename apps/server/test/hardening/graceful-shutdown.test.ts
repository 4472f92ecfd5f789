/**
 * SIGTERM while Stripe is delivering webhooks: the server stops accepting, finishes the events it
 * is applying, closes the database and exits 0; after a restart Stripe's retries deliver the rest
 * and the drain applies them.
 * No event answered 2xx may be missing from the ledger, and every event ends up applied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, stripeEvents } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { isNotNull } from 'drizzle-orm';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDrained, request, SEED_ORIGIN, signUp } from '../harness';
import { emulatorEnv, spawnServer } from '../processes';

const PAYMENTS = 5;

/** The server's `subkit_webhook_events_pending` gauge: events recorded in the ledger and not yet applied. */
async function pendingWebhookEvents(url: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const sample = text.split('\n').find((line) => line.startsWith('subkit_webhook_events_pending '));
  if (!sample) throw new Error('no subkit_webhook_events_pending in /metrics');
  return Number(sample.slice(sample.lastIndexOf(' ') + 1));
}

describe.each(testDatabaseKinds())('graceful shutdown with webhooks in flight (%s)', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase | undefined;
  let pgliteDir: string | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0, delivery: { retryBaseMs: 100, maxAttempts: 30 } });
    // Each subscription event reads the subscription from Stripe: slow that read so events are in flight.
    emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: 'latency', latencyMs: 150 }]);
    if (kind === 'postgres') database = await createTestDatabase('postgres');
    else pgliteDir = mkdtempSync(join(tmpdir(), 'subkit-shutdown-'));
    env = {
      PORT: String(await getPort()),
      ...(database?.url ? { DATABASE_URL: database.url } : { PGLITE_DIR: join(pgliteDir!, 'db') }),
      ...emulatorEnv(emulator),
    };
    emulator.addWebhookEndpoint(`http://127.0.0.1:${env.PORT}/api/billing/webhook`);
  });
  afterAll(async () => {
    await emulator.close();
    await database?.destroy();
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  });

  it('loses no accepted webhook across a SIGTERM and restart', async () => {
    const first = await spawnServer(env);
    const people = await Promise.all(Array.from({ length: PAYMENTS }, () => signUp(first.url)));
    for (const person of people) {
      const checkout = await request(first.url, 'POST', '/api/billing/checkout', {
        token: person.token,
        body: { priceId: 'price_1ABC123XYZ', successUrl: `${SEED_ORIGIN}/ok`, cancelUrl: `${SEED_ORIGIN}/no` },
      });
      const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
      await fetch(`${emulator.url}/v1/test_helpers/checkout/sessions/${sessionId}/complete`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emulator.secretKey}` },
      });
    }

    const accepted = () => emulator.webhookDeliveries().filter((attempt) => attempt.status === 200);
    await expect.poll(() => accepted().length, { timeout: 15_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    const stoppedAt = Date.now();
    expect(await first.stop('SIGTERM')).toBe(0);
    const shutdownMs = Date.now() - stoppedAt;
    const acceptedBeforeRestart = new Set(accepted().map((attempt) => attempt.eventId));

    const second = await spawnServer(env);
    await emulator.flushWebhooks();
    // Delivered means recorded; the drain applies them a moment later.
    for (const person of people) {
      const status = async () => {
        const subscription = await request(second.url, 'GET', '/api/billing/subscription', { token: person.token });
        return (subscription.body as { data: { status: string } | null }).data?.status;
      };
      await expect.poll(status, { timeout: 30_000 }).toBe('active');
    }
    // Recorded is not yet applied: wait until the drain's backlog, as the server reports it, is empty
    // (PGlite belongs to the server while it runs, so the test cannot read the ledger itself until then).
    await expect.poll(() => pendingWebhookEvents(second.url), { timeout: 60_000, interval: 100 }).toBe(0);
    if (database) expect(await ledgerDrained(database)).toBe(true);
    expect(await second.stop('SIGTERM')).toBe(0);

    // Read the ledger as the next process would: PGlite belongs to one process at a time.
    const ledger = database ?? (await createDatabase({ pgliteDataDir: env.PGLITE_DIR }));
    const processed = new Set(
      (
        await ledger.db.select({ id: stripeEvents.id }).from(stripeEvents).where(isNotNull(stripeEvents.processedAt))
      ).map((row) => row.id),
    );
    if (ledger !== database) await ledger.close();
    const everyEvent = new Set(emulator.webhookDeliveries().map((attempt) => attempt.eventId));
    const lostAfterAccept = [...acceptedBeforeRestart].filter((id) => !processed.has(id));
    const neverApplied = [...everyEvent].filter((id) => !processed.has(id));
    const refusedDuringShutdown = emulator.webhookDeliveries().filter((attempt) => attempt.status !== 200).length;
    console.log(
      `RELIABILITY graceful-shutdown ${JSON.stringify({ database: kind, events: everyEvent.size, acceptedBeforeStop: acceptedBeforeRestart.size, retriedAfterRestart: refusedDuringShutdown, lost: lostAfterAccept.length + neverApplied.length, shutdownMs })}`,
    );
    expect(lostAfterAccept).toEqual([]);
    expect(neverApplied).toEqual([]);
    expect(everyEvent.size).toBeGreaterThan(acceptedBeforeRestart.size);
  }, 120_000);
});
