import { createStripeClient, type StripeClientOptions } from '@subkit/billing';
import { createDatabase, type DatabaseHandle, type DatabaseKind, stripeEvents } from '@subkit/db';
import { createTestDatabase, type TestDatabase } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { and, isNotNull, isNull, or } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { stripeAccountOf } from '../src/plugins/services';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The seed document's redirect host: tests allow it as the web app's origin. */
export const SEED_ORIGIN = 'https://app.example.com';

export interface TestServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  stripeOptions?: Partial<StripeClientOptions>;
  /** Receives the server's log lines (at LOG_LEVEL) instead of discarding them. */
  logStream?: { write(line: string): void };
  /** Default: not during a test file, as the housekeeping suite runs its own and no other may lose rows to it. */
  housekeeping?: { firstRunAfterMs: number; everyMs: number };
}

/** The app wired to the given database and emulator, as `start` wires it, not yet listening. */
export function buildTestApp(
  database: DatabaseHandle,
  emulator: StripeEmulator,
  {
    env = {},
    stripeOptions = {},
    logStream,
    housekeeping = { firstRunAfterMs: DAY_MS, everyMs: DAY_MS },
  }: TestAppOptions = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    PUBLIC_URL: SEED_ORIGIN,
    ALLOWED_REDIRECT_ORIGINS: 'http://localhost:5173',
    // Suites sign up and check out far faster than a person; the rate-limit suite sets its own.
    RATE_LIMIT_AUTH_PER_MIN: '100000',
    RATE_LIMIT_CHECKOUT_PER_MIN: '100000',
    RATE_LIMIT_STRIPE_PER_MIN: '100000',
    RATE_LIMIT_MAIL_PER_MIN: '100000',
    ...env,
  });
  return buildApp({
    config,
    database,
    stripe: {
      client: createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url, ...stripeOptions }),
      mode: 'emulator',
      webhookSecret: emulator.webhookSecret,
      account: stripeAccountOf(emulator.secretKey),
    },
    ...(logStream ? { logStream } : { logger: false }),
    housekeeping,
  });
}

/** A real server on a real port, wired to the given database and emulator, as `start` wires it. */
export async function startTestServer(
  database: DatabaseHandle,
  emulator: StripeEmulator,
  env: Record<string, string> = {},
  stripeOptions: Partial<StripeClientOptions> = {},
  /** Receives the server's log lines (at LOG_LEVEL) instead of discarding them. */
  logStream?: { write(line: string): void },
): Promise<TestServer> {
  const app = await buildTestApp(database, emulator, { env, stripeOptions, logStream });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  flushIncludesDrain(emulator, database);
  return { app, url, close: () => app.close() };
}

/** Each drain-aware emulator's own flush: resolves once every delivery is answered, applied or not. */
const deliveriesOnly = new WeakMap<StripeEmulator, () => Promise<void>>();

/** Waits for the emulator's deliveries only (each acknowledged), not for the drain to apply them. */
export function flushDeliveries(emulator: StripeEmulator): Promise<void> {
  return (deliveriesOnly.get(emulator) ?? (() => emulator.flushWebhooks()))();
}

/**
 * The endpoint acknowledges an event once it is recorded; the drain applies it a moment later. So
 * that "the emulator has delivered its events" still means "and they took effect", the emulator's
 * `flushWebhooks` also waits for the ledger to have no event left to apply (events waiting out a
 * retry delay included). It gives up after a minute, leaving the test's own assertions to fail.
 */
function flushIncludesDrain(emulator: StripeEmulator, database: DatabaseHandle) {
  if (deliveriesOnly.has(emulator)) return;
  const flush = emulator.flushWebhooks.bind(emulator);
  deliveriesOnly.set(emulator, flush);
  emulator.flushWebhooks = async () => {
    await flush();
    await ledgerDrained(database);
  };
}

/**
 * Waits (at most `timeoutMs`) until no event in the ledger is left to apply, nor held by a drain
 * still finishing what follows its commit (cancelling a second live subscription).
 */
export async function ledgerDrained(database: DatabaseHandle, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const [pending] = await database.db
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(
        and(
          or(isNull(stripeEvents.processedAt), isNotNull(stripeEvents.claimedUntil)),
          isNotNull(stripeEvents.payload),
        ),
      )
      .limit(1);
    if (!pending) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test server whose JSON log lines (production logger settings, at LOG_LEVEL) the test reads. */
export async function startLoggedServer(
  database: DatabaseHandle,
  emulator: StripeEmulator,
  env: Record<string, string> = {},
): Promise<TestServer & { lines: string[] }> {
  const lines: string[] = [];
  const server = await startTestServer(database, emulator, env, {}, { write: (line) => lines.push(line) });
  return { ...server, lines };
}

/** The real SDK pointed at the emulator, to check what Stripe holds. */
export function emulatorSdk(emulator: StripeEmulator): Stripe {
  return new Stripe(emulator.secretKey, { host: emulator.host, port: emulator.port, protocol: 'http' });
}

/** One emulator, one fresh database and one server for a test file; shared because PGlite is slow to start. */
export interface Stack {
  emulator: StripeEmulator;
  /** The real SDK pointed at the emulator, to check what Stripe holds. */
  stripe: Stripe;
  database: TestDatabase;
  server: TestServer;
  /** Another handle on the same database, as a second server process would have. */
  openSecondHandle(): Promise<DatabaseHandle>;
  close(): Promise<void>;
}

export async function startStack(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  stripeOptions: Partial<StripeClientOptions> = {},
  /** Receives the server's log lines (at LOG_LEVEL) instead of discarding them. */
  logStream?: { write(line: string): void },
): Promise<Stack> {
  const [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
  const server = await startTestServer(database, emulator, env, stripeOptions, logStream);
  const extraHandles: DatabaseHandle[] = [];
  return {
    emulator,
    stripe: emulatorSdk(emulator),
    database,
    server,
    async openSecondHandle() {
      // PGlite lives inside one process, so the "second process" shares its handle; Postgres gets
      // a pool of its own, exactly as another server process would.
      if (!database.url) return database;
      const handle = await createDatabase({ url: database.url });
      extraHandles.push(handle);
      return handle;
    },
    async close() {
      await server.close();
      await Promise.all(extraHandles.map((handle) => handle.close()));
      await Promise.all([database.destroy(), emulator.close()]);
    },
  };
}

/** A stack with a second server on its own database handle, as a fleet of two processes. */
export interface TwoServerStack extends Stack {
  second: TestServer;
}

export async function startTwoServerStack(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  stripeOptions: Partial<StripeClientOptions> = {},
  /** Receives both servers' log lines (at LOG_LEVEL) instead of discarding them. */
  logStream?: { write(line: string): void },
): Promise<TwoServerStack> {
  const stack = await startStack(kind, env, stripeOptions, logStream);
  const second = await startTestServer(await stack.openSecondHandle(), stack.emulator, env, stripeOptions, logStream);
  return {
    ...stack,
    second,
    async close() {
      await second.close();
      await stack.close();
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(new URL(path, baseUrl), { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

/** Signs a new user up through the REST API and returns the bearer token. */
export async function signUp(
  baseUrl: string,
  email = uniqueEmail(),
  headers: Record<string, string> = {},
): Promise<{ token: string; userId: string; email: string }> {
  const response = await request(baseUrl, 'POST', '/api/auth/signup', {
    body: { email, password: 'correct horse battery' },
    headers,
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${response.text}`);
  const { data } = response.body as { data: { token: string; user: { id: string } } };
  return { token: data.token, userId: data.user.id, email };
}

/** A checkout request for the seed's Pro monthly price, returning to the seed's dashboard or pricing page. */
export function checkoutBody(priceId = 'price_1ABC123XYZ') {
  return {
    priceId,
    successUrl: `${SEED_ORIGIN}/dashboard?checkout=success`,
    cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
  };
}

/** Pays a checkout session as a customer would on the hosted page (the emulator's test helper). */
export async function payCheckout(emulator: StripeEmulator, sessionId: string): Promise<Stripe.Checkout.Session> {
  const response = await fetch(`${emulator.url}/v1/test_helpers/checkout/sessions/${sessionId}/complete`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.secretKey}` },
  });
  if (response.status !== 200)
    throw new Error(`paying ${sessionId} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Stripe.Checkout.Session;
}
