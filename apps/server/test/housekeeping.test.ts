/**
 * Housekeeping, on a real database: a server prunes what no longer means anything on its
 * schedule and keeps everything else, and processes that prune at once delete each row once.
 */
import { randomUUID } from 'node:crypto';
import { runHousekeeping } from '@subkit/api';
import { hashSessionToken } from '@subkit/auth';
import { createStripeClient, PROCESSED_EVENT_RETENTION_DAYS } from '@subkit/billing';
import { checkoutRequests, type DatabaseHandle, sessions, stripeEvents, users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { request, type Stack, signUp, startStack } from './harness';

const DAY_MS = 24 * 60 * 60 * 1000;
const ago = (ms: number) => new Date(Date.now() - ms);
const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

describe.each(testDatabaseKinds())('housekeeping on %s', (kind) => {
  let stack: Stack;
  let db: DatabaseHandle['db'];

  beforeAll(async () => {
    stack = await startStack(kind);
    db = stack.database.db;
  });
  afterAll(() => stack.close());

  async function newUser() {
    const [user] = await db
      .insert(users)
      .values({ email: `${randomUUID()}@example.com`, passwordHash: 'unused' })
      .returning({ id: users.id });
    return user!.id;
  }

  it('prunes expired sessions, spent checkout claims and old processed events on schedule, and keeps the rest', async () => {
    const { userId, token: liveToken } = await signUp(stack.server.url);
    await db.insert(sessions).values([
      { id: `expired-${randomUUID()}`, userId, expiresAt: ago(1_000) },
      { id: `expired-${randomUUID()}`, userId, expiresAt: ago(40 * DAY_MS) },
    ]);
    await db.insert(checkoutRequests).values([
      { userId, idempotencyKey: 'live', requestHash: 'h', expiresAt: unixSeconds(new Date(Date.now() + DAY_MS)) },
      { userId, idempotencyKey: 'spent', requestHash: 'h', expiresAt: unixSeconds(ago(60_000)) },
    ]);
    const retention = PROCESSED_EVENT_RETENTION_DAYS * DAY_MS;
    const events = {
      old: `evt_old_${randomUUID()}`,
      recent: `evt_recent_${randomUUID()}`,
      neverProcessed: `evt_failing_${randomUUID()}`,
    };
    await db.insert(stripeEvents).values([
      {
        id: events.old,
        type: 'invoice.paid',
        receivedAt: ago(retention + DAY_MS),
        processedAt: ago(retention + DAY_MS),
      },
      {
        id: events.recent,
        type: 'invoice.paid',
        receivedAt: ago(retention - DAY_MS),
        processedAt: ago(retention - DAY_MS),
      },
      { id: events.neverProcessed, type: 'invoice.paid', receivedAt: ago(retention * 2), error: 'Stripe was down' },
    ]);

    const lines: string[] = [];
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info' }),
      database: stack.database,
      stripe: {
        client: createStripeClient({ secretKey: stack.emulator.secretKey, apiBase: stack.emulator.url }),
        mode: 'emulator',
        webhookSecret: stack.emulator.webhookSecret,
      },
      logStream: { write: (line: string) => lines.push(line) },
      housekeeping: { firstRunAfterMs: 0, everyMs: 60_000 },
    });
    try {
      await app.ready();
      await expect
        .poll(() => lines.some((line) => line.includes('housekeeping pruned expired rows')), { timeout: 10_000 })
        .toBe(true);
      const report = JSON.parse(lines.find((line) => line.includes('housekeeping pruned'))!).housekeeping;
      expect(report).toEqual({ expiredSessions: 2, expiredCheckoutClaims: 1, oldWebhookEvents: 1 });
    } finally {
      await app.close();
    }

    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
    expect(left).toEqual([{ id: hashSessionToken(liveToken) }]);
    const claims = await db
      .select({ key: checkoutRequests.idempotencyKey })
      .from(checkoutRequests)
      .where(eq(checkoutRequests.userId, userId));
    expect(claims).toEqual([{ key: 'live' }]);
    const ledger = await db
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(inArray(stripeEvents.id, Object.values(events)));
    expect(ledger.map((row) => row.id).sort()).toEqual([events.neverProcessed, events.recent].sort());
    // The live session still signs its user in.
    const me = await request(stack.server.url, 'GET', '/api/auth/me', { token: liveToken });
    expect(me.status).toBe(200);
  });

  it('deletes every row once when two processes prune at the same moment', async () => {
    const userId = await newUser();
    const expired = Array.from({ length: 2_500 }, () => ({
      id: `expired-${randomUUID()}`,
      userId,
      expiresAt: ago(DAY_MS),
    }));
    await db.insert(sessions).values(expired);
    const second = await stack.openSecondHandle();
    const now = () => new Date();

    const reports = await Promise.all([runHousekeeping({ db, now }), runHousekeeping({ db: second.db, now })]);

    expect(reports[0].expiredSessions + reports[1].expiredSessions).toBe(expired.length);
    expect(await db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
  });
});
