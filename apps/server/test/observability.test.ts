/**
 * Logs, metrics and probes, over real HTTP: a request id on every log line and in the response,
 * secrets never in the log, metrics that move when a checkout is created and a webhook arrives,
 * and readiness that fails when a dependency does.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStripeClient, receiveStripeEvent } from '@subkit/billing';
import { CORE_ERROR_CODES } from '@subkit/core';
import { createDatabase, type DatabaseHandle, migrationsFolder, stripeEvents } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loggerOptions } from '../src/logging';
import { stripeAccountOf } from '../src/plugins/services';
import {
  checkoutBody,
  payCheckout,
  request,
  type Stack,
  signUp,
  startLoggedServer,
  startStack,
  startTestServer,
} from './harness';

describe.each(testDatabaseKinds())('start-up log of migrations on %s', (kind) => {
  let emulator: StripeEmulator;
  let directory: string;
  let unmigrated: TestDatabase | undefined;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0 });
    directory = mkdtempSync(join(tmpdir(), 'subkit-migration-log-'));
    // Postgres: an empty database of its own; PGlite: a data directory the server creates.
    if (kind === 'postgres') unmigrated = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await Promise.all([emulator.close(), unmigrated?.destroy()]);
    rmSync(directory, { recursive: true, force: true });
  });

  /** Starts and stops a server that opens the database itself, as `start` does; its info log lines. */
  async function startUpLog(): Promise<{ msg: string; migrations?: string[] }[]> {
    const lines: string[] = [];
    const app = await buildApp({
      config: loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        PGLITE_DIR: join(directory, 'pglite'),
        ...(unmigrated?.url && { DATABASE_URL: unmigrated.url }),
      }),
      stripe: {
        client: createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url }),
        mode: 'emulator',
        webhookSecret: emulator.webhookSecret,
        account: stripeAccountOf(emulator.secretKey),
      },
      logStream: { write: (line: string) => lines.push(line) },
    });
    await app.close();
    return lines.map((line) => JSON.parse(line));
  }

  it('names the migrations it applied, then says the schema is up to date', async () => {
    const committed = (
      JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] }
    ).entries.map((entry) => entry.tag);
    expect(await startUpLog()).toContainEqual(
      expect.objectContaining({ msg: `applied ${committed.length} database migrations`, migrations: committed }),
    );
    expect(await startUpLog()).toContainEqual(
      expect.objectContaining({ msg: 'database schema up to date', migrations: [] }),
    );
    // Two starts on a PGlite data directory created on disk: 20 s each on a loaded 2-core machine.
  }, 120_000);
});

const CHECKOUT_BODY = { ...checkoutBody(), metadata: { plan: 'pro', referralCode: 'FRIEND20' } };
const PASSWORD = 'hunter2-correct-horse-battery';

/** One sample of the Prometheus text, e.g. `metric('x_total', {type: 'a'})`; 0 when absent. */
async function scrape(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL('/metrics', url), { headers });
  const text = await response.text();
  return {
    status: response.status,
    text,
    value(name: string, labels: Record<string, string | number> = {}): number {
      const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
      const line = text
        .split('\n')
        .find(
          (candidate) =>
            (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) &&
            wanted.every((label) => candidate.includes(label)),
        );
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    },
  };
}

describe.each(testDatabaseKinds())('observability on %s', (kind) => {
  let stack: Stack;
  let logged: Awaited<ReturnType<typeof startLoggedServer>>;

  beforeAll(async () => {
    stack = await startStack(kind);
    logged = await startLoggedServer(stack.database, stack.emulator, { LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await logged.app.close();
    await stack.close();
  });

  describe('logs', () => {
    it('carry the request id on every line of a request, and send it back in X-Request-Id', async () => {
      const minted = await request(logged.url, 'GET', '/api/health');
      const id = minted.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await request(logged.url, 'GET', '/api/billing/plans', {
        headers: { 'x-request-id': 'trace-abc.123' },
      });
      expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
      const unsafe = await request(logged.url, 'GET', '/api/health', {
        headers: { 'x-request-id': 'bad id\twith tab' },
      });
      expect(unsafe.headers.get('x-request-id')).not.toContain('bad');

      // "request completed" is logged when the response has finished on the server's side, which
      // can be just after the client has read it: wait for the lines rather than race them.
      await vi.waitFor(
        () => {
          for (const requestId of [id, 'trace-abc.123']) {
            const own = logged.lines.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === requestId);
            // "incoming request", the Stripe-backed work in between, "request completed".
            expect(own.map((entry) => entry.msg)).toEqual(
              expect.arrayContaining(['incoming request', 'request completed']),
            );
          }
        },
        { timeout: 10_000, interval: 50 },
      );
      // Every line logged while serving a request names it.
      const requestLines = logged.lines.map((line) => JSON.parse(line)).filter((entry) => entry.req || entry.res);
      expect(requestLines.length).toBeGreaterThanOrEqual(6);
      for (const entry of requestLines) expect(entry.reqId).toEqual(expect.any(String));
    });

    it('never contain the password, the session token or a Stripe secret', async () => {
      const email = `redact-${Date.now()}@example.com`;
      const signup = await request(logged.url, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD } });
      expect(signup.status).toBe(201);
      const { token } = (signup.body as { data: { token: string } }).data;
      await request(logged.url, 'POST', '/api/auth/login', { body: { email, password: PASSWORD } });
      await request(logged.url, 'POST', '/api/auth/login', { body: { email, password: `${PASSWORD}-wrong` } });
      const checkout = await request(logged.url, 'POST', '/api/billing/checkout', { token, body: CHECKOUT_BODY });
      expect(checkout.status).toBe(200);
      // A Stripe failure is logged with its error, which is where request details could hide.
      stack.emulator.setFaults([{ endpoint: 'GET /v1/prices/:id', rate: 1, kind: '500' }]);
      try {
        await request(logged.url, 'POST', '/api/billing/checkout', {
          token,
          body: { ...CHECKOUT_BODY, priceId: 'price_pro_yearly' },
        });
      } finally {
        stack.emulator.setFaults([]);
      }
      await request(logged.url, 'POST', '/api/billing/webhook', {
        rawBody: '{"id":"evt_1"}',
        headers: { 'content-type': 'application/json', 'stripe-signature': `t=1,v1=${stack.emulator.webhookSecret}` },
      });
      // What a careless log call would leak, in the places it would put it.
      const secretKey = stack.emulator.secretKey;
      logged.app.log.warn(
        {
          req: { headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` } },
          body: { email, password: PASSWORD },
          config: { stripe: { secretKey, webhookSecret: stack.emulator.webhookSecret } },
          err: new Error(`Stripe said no to ${secretKey}`),
        },
        `calling Stripe with ${secretKey} and ${stack.emulator.webhookSecret}`,
      );
      await new Promise((resolve) => setImmediate(resolve));

      const log = logged.lines.join('');
      expect(log).toContain(email);
      expect(log).toContain('[redacted]');
      expect(log).toContain('Stripe said no to [redacted]');
      expect(log).not.toContain(PASSWORD);
      expect(log).not.toContain(token);
      expect(log).not.toContain(secretKey);
      expect(log).not.toContain(stack.emulator.webhookSecret);
    });

    it('log a failure the same way on /trpc and REST: 5xx at error with the error, 4xx at info', async () => {
      const { token } = await signUp(logged.url);
      const calls = {
        rest: (requestId: string, auth: boolean) =>
          request(logged.url, 'POST', '/api/billing/checkout', {
            body: CHECKOUT_BODY,
            ...(auth ? { token } : {}),
            headers: { 'x-request-id': requestId },
          }),
        trpc: (requestId: string, auth: boolean) =>
          request(logged.url, 'POST', '/trpc/billing.createCheckout', {
            body: CHECKOUT_BODY,
            ...(auth ? { token } : {}),
            headers: { 'x-request-id': requestId },
          }),
      };
      const run = `${process.pid}-${Date.now()}`;
      stack.emulator.setFaults([{ endpoint: 'POST /v1/checkout/sessions', rate: 1, kind: '500' }]);
      try {
        for (const [transport, call] of Object.entries(calls)) {
          expect((await call(`${transport}-502-${run}`, true)).status).toBe(502);
          expect((await call(`${transport}-401-${run}`, false)).status).toBe(401);
        }
      } finally {
        stack.emulator.setFaults([]);
      }
      const unknown = { rest: '/api/billing/no-such-route', trpc: '/trpc/billing.noSuchProcedure' };
      for (const [transport, path] of Object.entries(unknown)) {
        const response = await request(logged.url, 'POST', path, {
          body: {},
          headers: { 'x-request-id': `${transport}-404-${run}` },
        });
        expect(response.status).toBe(404);
      }
      await new Promise((resolve) => setImmediate(resolve));

      const entries = logged.lines.map((line) => JSON.parse(line));
      const failureLines = (requestId: string) =>
        entries
          .filter((entry) => entry.reqId === requestId && /^request (failed|refused)$/.test(entry.msg))
          .map((entry) => ({
            level: entry.level,
            msg: entry.msg,
            status: entry.status,
            code: entry.code,
            err: entry.err === undefined ? undefined : expect.any(Object),
          }));
      for (const transport of Object.keys(calls)) {
        expect(failureLines(`${transport}-502-${run}`), transport).toEqual([
          { level: 50, msg: 'request failed', status: 502, code: 'BAD_GATEWAY', err: expect.any(Object) },
        ]);
        expect(failureLines(`${transport}-401-${run}`), transport).toEqual([
          { level: 30, msg: 'request refused', status: 401, code: 'UNAUTHORIZED', err: undefined },
        ]);
        expect(failureLines(`${transport}-404-${run}`), transport).toEqual([
          { level: 30, msg: 'request refused', status: 404, code: 'NOT_FOUND', err: undefined },
        ]);
      }
    });

    it('are pretty under dev in a terminal (or LOG_PRETTY=true), JSON otherwise', () => {
      const pretty = loggerOptions(loadConfig({ LOG_PRETTY: 'true' }));
      expect(pretty).toMatchObject({ transport: { target: expect.stringMatching(/pino-pretty/) } });
      expect(
        loggerOptions(loadConfig({ NODE_ENV: 'production', STRIPE_EMULATOR_ALLOW_PRODUCTION: 'true' })),
      ).not.toHaveProperty('transport');
      expect(loadConfig({ NODE_ENV: 'development' }).logPretty).toBe(process.stdout.isTTY === true);
    });
  });

  describe('metrics', () => {
    it('count HTTP requests, Stripe calls and the checkout created', async () => {
      const user = await signUp(stack.server.url);
      const before = await scrape(stack.server.url);
      expect(before.status).toBe(200);
      expect(before.text).toContain('# TYPE subkit_checkout_sessions_created_total counter');

      const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
        token: user.token,
        body: CHECKOUT_BODY,
      });
      expect(checkout.status).toBe(200);
      const after = await scrape(stack.server.url);

      const created = 'subkit_checkout_sessions_created_total';
      expect(after.value(created) - before.value(created)).toBe(1);
      const http = 'http_request_duration_seconds_count';
      const checkoutRoute = { method: 'POST', route: '/api/billing/checkout', status_code: 200 };
      expect(after.value(http, checkoutRoute) - before.value(http, checkoutRoute)).toBe(1);
      const stripeCalls = 'subkit_stripe_request_duration_seconds_count';
      const sessionsCreate = { method: 'POST', endpoint: '/v1/checkout/sessions', status: 200 };
      expect(after.value(stripeCalls, sessionsCreate) - before.value(stripeCalls, sessionsCreate)).toBe(1);

      // A refused checkout creates nothing; a Stripe error is counted by endpoint, id folded.
      stack.emulator.setFaults([{ endpoint: 'POST /v1/checkout/sessions', rate: 1, kind: '500' }]);
      try {
        const other = await signUp(stack.server.url);
        const failed = await request(stack.server.url, 'POST', '/api/billing/checkout', {
          token: other.token,
          body: CHECKOUT_BODY,
        });
        expect(failed.status).toBe(502);
      } finally {
        stack.emulator.setFaults([]);
      }
      const last = await scrape(stack.server.url);
      expect(last.value(created)).toBe(after.value(created));
      const errors = { method: 'POST', endpoint: '/v1/checkout/sessions', status: 500 };
      expect(last.value('subkit_stripe_request_errors_total', errors)).toBeGreaterThanOrEqual(1);
      expect(last.text).not.toMatch(/endpoint="[^"]*(cs_test|cus_|price_)/);
    });

    it('count webhook events by type and outcome, with their lag', async () => {
      stack.emulator.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
      const before = await scrape(stack.server.url);
      const user = await signUp(stack.server.url);
      const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
        token: user.token,
        body: CHECKOUT_BODY,
      });
      const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
      await payCheckout(stack.emulator, sessionId);
      await stack.emulator.flushWebhooks();
      await request(stack.server.url, 'POST', '/api/billing/webhook', {
        rawBody: '{}',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=forged' },
      });
      const events = 'subkit_webhook_events_total';
      const applied = { type: 'checkout.session.completed', outcome: 'applied' };
      // The endpoint records the event and answers; the drain applies it after that answer.
      const appliedSince = async () =>
        (await scrape(stack.server.url)).value(events, applied) - before.value(events, applied);
      await expect.poll(appliedSince, { timeout: 30_000, interval: 100 }).toBe(1);
      const after = await scrape(stack.server.url);
      expect(after.value(events, applied) - before.value(events, applied)).toBe(1);
      const forged = { type: 'unknown', outcome: 'invalid_signature' };
      expect(after.value(events, forged) - before.value(events, forged)).toBe(1);
      const lag = { type: 'checkout.session.completed' };
      expect(
        after.value('subkit_webhook_lag_seconds_count', lag) - before.value('subkit_webhook_lag_seconds_count', lag),
      ).toBe(1);
    });

    it('count the webhook events recorded and not yet applied, until the drain applies them', async () => {
      const pending = async () => (await scrape(stack.server.url)).value('subkit_webhook_events_pending');
      await expect.poll(pending, { timeout: 60_000, interval: 100 }).toBe(0);
      // Stripe cannot be read: the drain keeps the event pending, retrying it after a delay.
      stack.emulator.setFaults([{ endpoint: 'GET /v1/subscriptions/:id', rate: 1, kind: '503' }]);
      const event = {
        id: `evt_${randomUUID()}`,
        object: 'event',
        type: 'customer.subscription.updated',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: `sub_${randomUUID().replaceAll('-', '')}`, object: 'subscription' } },
      } as unknown as Stripe.Event;
      try {
        // Recorded as the endpoint of any process records it.
        expect(await receiveStripeEvent(stack.database.db, event)).toBe('received');
        expect(await pending()).toBe(1);
      } finally {
        stack.emulator.setFaults([]);
      }
      // Stripe answers again: the drain applies it (a subscription Stripe does not have is ignored).
      await expect.poll(pending, { timeout: 60_000, interval: 100 }).toBe(0);
      const [entry] = await stack.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
      expect(entry?.outcome).toBe('ignored');
    }, 120_000);

    it('answer only the METRICS_TOKEN when one is set', async () => {
      const token = 'metrics-token-0123456789';
      const guarded = await startTestServer(stack.database, stack.emulator, { METRICS_TOKEN: token });
      try {
        const refused = await request(guarded.url, 'GET', '/metrics');
        expect(refused.status).toBe(401);
        expect(refused.body).toEqual({
          success: false,
          error: CORE_ERROR_CODES.UNAUTHENTICATED,
        });
        expect((await scrape(guarded.url, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
        expect((await scrape(guarded.url, { authorization: `Bearer ${token}` })).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('readiness', () => {
    it('is ready when the database, the migrations and Stripe are', async () => {
      const ready = await request(stack.server.url, 'GET', '/api/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', stripe: 'ok', plans: 'ok' },
      });
      expect((await request(stack.server.url, 'GET', '/api/health')).status).toBe(200);
    });

    it('fails (503) when the database is down, while liveness still answers', async () => {
      const database = await createTestDatabase(kind);
      const server = await startTestServer(database, stack.emulator);
      try {
        expect((await request(server.url, 'GET', '/api/ready')).status).toBe(200);
        await database.close();
        const down = await request(server.url, 'GET', '/api/ready');
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ status: 'not_ready', checks: { database: 'unreachable', stripe: 'ok' } });
        expect((await request(server.url, 'GET', '/api/health')).status).toBe(200);
      } finally {
        await server.close();
        // Already closed above; this drops the Postgres test database.
        await database.destroy().catch(() => {});
      }
    });

    it('fails (503) when Stripe does not answer', async () => {
      stack.emulator.setFaults([{ endpoint: 'GET /v1/prices', rate: 1, kind: 'reset' }]);
      try {
        const down = await request(stack.server.url, 'GET', '/api/ready');
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ status: 'not_ready', checks: { database: 'ok', migrations: 'ok' } });
        expect((down.body as { checks: { stripe: string } }).checks.stripe).not.toBe('ok');
      } finally {
        stack.emulator.setFaults([]);
      }
    });
  });
});

describe('readiness with migrations not applied', () => {
  let emulator: StripeEmulator;
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createDatabase({ migrate: false })]);
    ({ app, url } = await startTestServer(database, emulator));
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([database.close(), emulator.close()]);
  });

  it('fails (503) and names the pending migrations', async () => {
    const response = await request(url, 'GET', '/api/ready');
    expect(response.status).toBe(503);
    const { checks } = response.body as { checks: { database: string; migrations: string } };
    expect(checks.database).toBe('ok');
    expect(checks.migrations).toMatch(/^pending: 0000_init, 0001_/);
  });
});
