import { CHECKOUT_BODY, seedNewUsers } from './fixtures';
import { getJson, postJson } from './processes';
import { log } from './settings';
import type { BenchStack } from './stack';

/**
 * The renewal storm (issue 15): every subscription of a base renews at the same moment, and Stripe
 * sends each renewal's events (subscription updated, invoice created, finalized, paid, payment
 * succeeded) concurrently and out of order. The figure that matters at scale is Stripe reads per
 * renewed subscription: the account's rate limit (100 operations/s live, 25 in test mode) is shared
 * with checkouts.
 *
 * "Applied" is read from the webhook ledger (`received_at` → `processed_at`, both set by the
 * database), never from the webhook's answer, so the figures hold for a server that answers at
 * once and applies later: the storm ends when every event the emulator delivered is processed.
 */
export const STORM_NAME = 'renewal storm';

/** The target: at most one Stripe read per renewed subscription. CI fails above it (test/renewal-storm.test.ts). */
export const MAX_STRIPE_READS_PER_RENEWAL = 1;

export interface StormSettings {
  /** Subscriptions that renew together. */
  subscriptions: number;
  /** Stripe latency during the storm (setup runs at 0 ms). */
  latencyMs: number;
  /** Deliveries the emulator keeps in flight to the server at once. */
  deliveryConcurrency: number;
}

export interface StormResult extends StormSettings {
  /** Subscriptions the emulator renewed (its `customer.subscription.updated` events of the storm). */
  renewed: number;
  /** Of the storm's subscriptions, those our database shows in their new period once drained. */
  renewedInDatabase: number;
  /** Distinct events the emulator sent, and by type. */
  events: number;
  eventsByType: Record<string, number>;
  /** Events the emulator sent that the ledger never processed (must be 0), with a few ids. */
  lost: number;
  lostSample: string[];
  /** Stripe API requests the server made during the storm (all reads), and by endpoint. */
  stripeReads: number;
  stripeReadsByEndpoint: Record<string, number>;
  readsPerRenewal: number;
  /** How long the emulator took to renew everything in one clock advance (its own CPU, mostly). */
  advanceSec: number;
  /** From the first event received to the last one processed, by the database's clock. */
  drainSec: number;
  eventsPerSec: number;
  /** Per event, first receipt to processed, ms. */
  receivedToApplied: { p50: number; p99: number; max: number };
  setupSec: number;
}

interface LedgerEntry {
  id: string;
  receivedAt: number;
  processedAt: number | null;
}
interface DeliveryAttempt {
  eventId: string;
  type: string;
  status: number | null;
}

/** Far enough for every subscription's first monthly period to end, and not its second. */
const ADVANCE_SECONDS = 32 * 86_400;
/** Checkouts set up at once: each is a REST checkout, then a payment on the emulator. */
const SETUP_CONCURRENCY = 16;
/** Give up waiting for the ledger once it has not moved for this long: what is left is lost. */
const STALL_MS = 60_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Runs the storm on a stack of its own (its emulator must hold nothing else that a month would
 * change: other checkouts' open sessions would expire in the same advance).
 */
export async function runRenewalStorm(stack: BenchStack, settings: StormSettings): Promise<StormResult> {
  const { emulatorUrl } = stack;
  const setupStarted = Date.now();
  // The checkout runs never need events; here the server receives every one, as from Stripe.
  await postJson(`${emulatorUrl}/_emulator/webhook-endpoints`, { url: `${stack.serverUrl}/api/billing/webhook` });
  await postJson(`${emulatorUrl}/_emulator/latency`, { ms: 0 });
  await postJson(`${emulatorUrl}/_emulator/delivery`, { concurrency: settings.deliveryConcurrency, shuffle: false });
  const subscriptionIds = await subscribe(stack, settings.subscriptions);
  const setupDeliveries = await deliveriesSettled(stack);
  await ledgerSettled(stack, uniqueEventIds(setupDeliveries));
  const setupSec = (Date.now() - setupStarted) / 1000;
  log(`renewal storm: ${subscriptionIds.length} subscriptions set up in ${setupSec.toFixed(0)}s`);

  await postJson(`${emulatorUrl}/_emulator/latency`, { ms: settings.latencyMs });
  await postJson(`${emulatorUrl}/_emulator/delivery`, { concurrency: settings.deliveryConcurrency, shuffle: true });
  await postJson(`${emulatorUrl}/_emulator/reset-stats`, {});
  const advanceStarted = Date.now();
  const { now } = await postJson<{ now: number }>(`${emulatorUrl}/_emulator/clock/advance`, {
    seconds: ADVANCE_SECONDS,
  });
  const advanceSec = (Date.now() - advanceStarted) / 1000;
  log(`renewal storm: clock advanced in ${advanceSec.toFixed(1)}s; draining`);

  const stormDeliveries = (await deliveriesSettled(stack)).slice(setupDeliveries.length);
  const stormIds = uniqueEventIds(stormDeliveries);
  const ledger = await ledgerSettled(stack, stormIds);
  const stats = await getJson<{ requests: number; byEndpoint: Record<string, number> }>(
    `${emulatorUrl}/_emulator/stats`,
  );
  await postJson(`${emulatorUrl}/_emulator/latency`, { ms: 0 });

  const eventsByType: Record<string, number> = {};
  const typeOf = new Map(stormDeliveries.map((attempt) => [attempt.eventId, attempt.type]));
  for (const type of typeOf.values()) eventsByType[type] = (eventsByType[type] ?? 0) + 1;
  const renewed = eventsByType['customer.subscription.updated'] ?? 0;
  const { count: renewedInDatabase } = await postJson<{ count: number }>(`${stack.controlUrl}/subscriptions/renewed`, {
    ids: subscriptionIds,
    periodEndAfter: now,
  });
  const processed = ledger.filter((entry) => entry.processedAt !== null) as (LedgerEntry & { processedAt: number })[];
  const processedIds = new Set(processed.map((entry) => entry.id));
  const lostIds = stormIds.filter((id) => !processedIds.has(id));
  const waits = processed.map((entry) => entry.processedAt - entry.receivedAt).sort((a, b) => a - b);
  const at = (quantile: number) => waits[Math.min(waits.length - 1, Math.ceil(quantile * waits.length) - 1)] ?? 0;
  const firstReceived = Math.min(...ledger.map((entry) => entry.receivedAt));
  const lastProcessed = Math.max(...processed.map((entry) => entry.processedAt));
  const drainSec = processed.length ? (lastProcessed - firstReceived) / 1000 : 0;
  return {
    ...settings,
    renewed,
    renewedInDatabase,
    events: stormIds.length,
    eventsByType,
    lost: lostIds.length,
    lostSample: lostIds.slice(0, 5),
    stripeReads: stats.requests,
    stripeReadsByEndpoint: stats.byEndpoint,
    readsPerRenewal: renewed ? stats.requests / renewed : 0,
    advanceSec,
    drainSec,
    eventsPerSec: drainSec ? processed.length / drainSec : 0,
    receivedToApplied: { p50: at(0.5), p99: at(0.99), max: waits.at(-1) ?? 0 },
    setupSec,
  };
}

/**
 * `count` paying subscribers through the real paths: users seeded in bulk (sign-up's password
 * hashing would take most of the setup and is not what is measured), then for each a REST checkout
 * (which creates the Stripe customer) and its payment on the emulator's hosted page, whose events
 * reach the server as webhooks. Returns the subscription ids.
 */
async function subscribe(stack: BenchStack, count: number): Promise<string[]> {
  const tokens = await seedNewUsers(stack, count);
  const subscriptionIds: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < tokens.length; index = next++) {
      const checkout = await postJson<{ data: { sessionId: string } }>(
        `${stack.serverUrl}/api/billing/checkout`,
        JSON.parse(CHECKOUT_BODY),
        { authorization: `Bearer ${tokens[index]}` },
      );
      const session = await postJson<{ subscription: string }>(
        `${stack.emulatorUrl}/v1/test_helpers/checkout/sessions/${checkout.data.sessionId}/complete`,
        {},
        { authorization: `Bearer ${stack.secretKey}` },
      );
      subscriptionIds.push(session.subscription);
      if (subscriptionIds.length % 250 === 0) log(`renewal storm: ${subscriptionIds.length}/${count} subscribed`);
    }
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
  return subscriptionIds;
}

/** Asked again after this long: fetch gives up on an answer that takes five minutes. */
const FLUSH_POLL_MS = 60_000;

/** Every delivery attempt so far, once the emulator has none left to make. */
async function deliveriesSettled({ emulatorUrl }: BenchStack): Promise<DeliveryAttempt[]> {
  for (;;) {
    const flushed = await fetch(`${emulatorUrl}/_emulator/flush`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(FLUSH_POLL_MS),
    }).then(
      (response) => {
        if (!response.ok) throw new Error(`POST /_emulator/flush: ${response.status}`);
        return true;
      },
      (error: unknown) => {
        if (error instanceof DOMException && error.name === 'TimeoutError') return false;
        throw error;
      },
    );
    if (flushed) break;
  }
  return getJson<DeliveryAttempt[]>(`${emulatorUrl}/_emulator/webhook-deliveries`);
}

function uniqueEventIds(attempts: DeliveryAttempt[]): string[] {
  return [...new Set(attempts.map((attempt) => attempt.eventId))];
}

/**
 * Waits until the ledger has processed every one of these events (a server that acknowledges
 * first keeps working after the emulator is done), or has not moved for STALL_MS.
 */
async function ledgerSettled({ controlUrl }: BenchStack, ids: string[]): Promise<LedgerEntry[]> {
  let processed = -1;
  let lastProgress = Date.now();
  for (;;) {
    const { events } = await postJson<{ events: LedgerEntry[] }>(`${controlUrl}/ledger`, { ids });
    const done = events.filter((entry) => entry.processedAt !== null).length;
    if (done === ids.length) return events;
    if (done !== processed) {
      processed = done;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) {
      return events;
    }
    await sleep(500);
  }
}
