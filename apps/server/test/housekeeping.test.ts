/**
 * Housekeeping, on a real database: a server prunes what no longer means anything on its
 * schedule, again and again, and never after it has closed; it keeps everything else, and it
 * passes over rows another process holds rather than queueing behind them.
 */
import { randomUUID } from 'node:crypto';
import { runHousekeeping } from '@subkit/api';
import { hashSessionToken } from '@subkit/auth';
import { PROCESSED_EVENT_RETENTION_DAYS } from '@subkit/billing';
import {
  accountTokens,
  checkoutRequests,
  checkoutSessions,
  type DatabaseHandle,
  sessions,
  stripeEvents,
  users,
} from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, type Stack, signUp, startStack } from './harness';

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

  it('prunes expired sessions, spent checkout claims and sessions, and old processed events on schedule, and keeps the rest', async () => {
    const { userId, token: liveToken } = await signUp(stack.server.url);
    await db.insert(sessions).values([
      { id: `expired-${randomUUID()}`, userId, expiresAt: ago(1_000) },
      { id: `expired-${randomUUID()}`, userId, expiresAt: ago(40 * DAY_MS) },
    ]);
    const accountTokenIds = { expired: `expired-${randomUUID()}`, live: `live-${randomUUID()}` };
    await db.insert(accountTokens).values([
      { id: accountTokenIds.expired, userId, purpose: 'password_reset', expiresAt: ago(1_000) },
      { id: accountTokenIds.live, userId, purpose: 'password_reset', expiresAt: new Date(Date.now() + 60_000) },
    ]);
    await db.insert(checkoutRequests).values([
      { userId, idempotencyKey: 'live', requestHash: 'h', expiresAt: unixSeconds(new Date(Date.now() + DAY_MS)) },
      { userId, idempotencyKey: 'spent', requestHash: 'h', expiresAt: unixSeconds(ago(60_000)) },
    ]);
    await db.insert(checkoutSessions).values([
      { userId, sessionId: `cs_spent_${randomUUID()}`, status: 'expired', createdAt: ago(DAY_MS + 2 * 60 * 60_000) },
      { userId, sessionId: `cs_recent_${randomUUID()}`, status: 'open', createdAt: ago(60_000) },
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
    const reports = () =>
      lines
        .filter((line) => line.includes('housekeeping pruned expired rows'))
        .map((line) => JSON.parse(line).housekeeping);
    const expiredSession = async () => {
      const id = `expired-${randomUUID()}`;
      await db.insert(sessions).values({ id, userId, expiresAt: ago(1_000) });
      return id;
    };
    const sessionExists = async (id: string) =>
      (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id))).length === 1;
    const app = await buildTestApp(stack.database, stack.emulator, {
      env: { LOG_LEVEL: 'info' },
      logStream: { write: (line: string) => lines.push(line) },
      housekeeping: { firstRunAfterMs: 0, everyMs: 100 },
    });
    try {
      await app.ready();
      await expect.poll(() => reports().length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(reports()[0]).toEqual({
        expiredSessions: 2,
        expiredAccountTokens: 1,
        expiredCheckoutClaims: 1,
        expiredRequestClaims: 0,
        spentCheckoutSessions: 1,
        oldWebhookEvents: 1,
      });
      // It runs again on schedule.
      const expiredLater = await expiredSession();
      await expect.poll(() => sessionExists(expiredLater), { timeout: 10_000 }).toBe(false);
    } finally {
      await app.close();
    }
    // And not after the server has closed.
    const expiredAfterClose = await expiredSession();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await sessionExists(expiredAfterClose)).toBe(true);
    await db.delete(sessions).where(eq(sessions.id, expiredAfterClose));

    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
    expect(left).toEqual([{ id: hashSessionToken(liveToken) }]);
    const tokensLeft = await db
      .select({ id: accountTokens.id })
      .from(accountTokens)
      .where(inArray(accountTokens.id, Object.values(accountTokenIds)));
    expect(tokensLeft).toEqual([{ id: accountTokenIds.live }]);
    const claims = await db
      .select({ key: checkoutRequests.idempotencyKey })
      .from(checkoutRequests)
      .where(eq(checkoutRequests.userId, userId));
    expect(claims).toEqual([{ key: 'live' }]);
    const tracked = await db
      .select({ sessionId: checkoutSessions.sessionId })
      .from(checkoutSessions)
      .where(eq(checkoutSessions.userId, userId));
    expect(tracked.map((row) => row.sessionId)).toEqual([expect.stringMatching(/^cs_recent_/)]);
    const ledger = await db
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(inArray(stripeEvents.id, Object.values(events)));
    expect(ledger.map((row) => row.id).sort()).toEqual([events.neverProcessed, events.recent].sort());
    // The live session still signs its user in.
    const me = await request(stack.server.url, 'GET', '/api/auth/me', { token: liveToken });
    expect(me.status).toBe(200);
  });
});

// Another process's locks need another connection, which PGlite (one connection per process) has not.
describe.each(testDatabaseKinds().filter((kind) => kind === 'postgres'))(
  'housekeeping beside other processes on %s',
  (kind) => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack(kind);
    });
    afterAll(() => stack.close());

    it('passes over rows another process has locked instead of waiting for them, and gets them next time', async () => {
      const { db } = stack.database;
      const [user] = await db
        .insert(users)
        .values({ email: `${randomUUID()}@example.com`, passwordHash: 'unused' })
        .returning({ id: users.id });
      const expired = Array.from({ length: 2_500 }, () => ({
        id: `expired-${randomUUID()}`,
        userId: user!.id,
        expiresAt: ago(DAY_MS),
      }));
      await db.insert(sessions).values(expired);
      const lockedIds = expired.slice(0, 10).map((session) => session.id);
      const now = () => new Date();

      // Another process is in the middle of pruning: it holds ten of the rows.
      const other = await stack.openSecondHandle();
      let releaseLocks!: () => void;
      let locksTaken!: () => void;
      const taken = new Promise<void>((resolve) => {
        locksTaken = resolve;
      });
      const holding = other.db.transaction(async (tx) => {
        await tx.select().from(sessions).where(inArray(sessions.id, lockedIds)).for('update');
        locksTaken();
        await new Promise<void>((release) => {
          releaseLocks = release;
        });
      });
      await taken;
      try {
        const report = await runHousekeeping({ db, now });
        expect(report.expiredSessions).toBe(expired.length - lockedIds.length);
      } finally {
        releaseLocks();
        await holding;
      }
      const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user!.id));
      expect(left.map((row) => row.id).sort()).toEqual([...lockedIds].sort());

      expect((await runHousekeeping({ db, now })).expiredSessions).toBe(lockedIds.length);
    });
  },
);
