import type { AppServices } from '@subkit/core';
import {
  type CheckoutSessionStatus,
  checkoutSessions,
  type Database,
  deleteInBatches,
  preparedPerDatabase,
  type Transaction,
  users,
} from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, lt, lte, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { BILLING_ERROR_CODES } from '../error-codes';
import { isMissingResource, toBillingError } from '../stripe/errors';

/**
 * "At most one payable checkout per user", without holding a database lock across a Stripe call
 * (on PGlite that would stall every other query). Each checkout inserts its row *before* creating
 * the session, so `seq` orders checkouts by when they started, and after storing its session id
 * it expires every earlier session of the user it can see. Of two concurrent checkouts, the later
 * one either sees the earlier one's session and expires it, or the earlier one stores its session
 * after the later one's row exists, sees that row, and expires its own session. Either way only
 * the newest stays payable.
 */
export interface CheckoutAttempt {
  seq: number;
  userId: string;
  requestKey: string | null;
}

// Every checkout runs the statements below, so each is prepared once per database handle, as the
// session lookup is (docs/performance.md, issue 15).
const insertAttempt = preparedPerDatabase((db) =>
  db
    .insert(checkoutSessions)
    .values({ userId: sql.placeholder('userId'), requestKey: sql.placeholder('requestKey') })
    .returning({ seq: checkoutSessions.seq })
    .prepare('checkout_attempt_insert'),
);
/**
 * Stores the session (when `store`) and, in the same statement, answers what settling needs: the
 * user's earlier open sessions and whether a newer attempt started (one that is not a retry of the
 * same Idempotency-Key; with no key, any). One round trip instead of three (docs/performance.md,
 * issue 15). The sub-selects see the statement's snapshot, which the update does not change for
 * them: they never look at the attempt's own row.
 */
const storeAndSurvey = preparedPerDatabase((db) => {
  const attemptSeq = sql.placeholder('seq');
  const stored = db.$with('stored').as(
    db
      .update(checkoutSessions)
      .set({ sessionId: sql`${sql.placeholder('sessionId')}`, status: 'open' })
      .where(and(eq(checkoutSessions.seq, attemptSeq), sql`${sql.placeholder('store')}::boolean`))
      .returning({ seq: checkoutSessions.seq }),
  );
  const earlier = db
    .select({ sessionId: checkoutSessions.sessionId })
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.userId, users.id),
        lt(checkoutSessions.seq, attemptSeq),
        eq(checkoutSessions.status, 'open'),
      ),
    );
  const newer = db
    .select({ seq: checkoutSessions.seq })
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.userId, users.id),
        gt(checkoutSessions.seq, attemptSeq),
        sql`(${checkoutSessions.requestKey} is null or ${checkoutSessions.requestKey} is distinct from ${sql.placeholder('requestKey')}::text)`,
      ),
    );
  return db
    .with(stored)
    .select({
      stored: sql<boolean>`exists (select 1 from ${stored})`.mapWith(Boolean),
      earlierOpen: sql<string[] | null>`(select array_agg(e.session_id) from (${earlier}) e)`,
      newerStarted: sql<boolean>`exists (${newer})`.mapWith(Boolean),
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare('checkout_attempt_settle');
});

/** `requestKey`: the Idempotency-Key claim the session is created under, if any (its retries share it). */
export async function startCheckoutAttempt(
  { db }: Pick<AppServices, 'db'>,
  userId: string,
  requestKey: string | null,
): Promise<CheckoutAttempt> {
  const [row] = await insertAttempt(db).execute({ userId, requestKey });
  if (!row) throw new Error('checkout attempt was not recorded');
  return { seq: row.seq, userId, requestKey };
}

/** A failed create leaves nothing to expire; the row goes so it does not hold an order slot. */
export async function abandonCheckoutAttempt({ db }: Pick<AppServices, 'db'>, attempt: CheckoutAttempt) {
  await db.delete(checkoutSessions).where(eq(checkoutSessions.seq, attempt.seq));
}

/**
 * Stores the session Stripe created for `attempt` and expires the user's earlier open sessions.
 * When a newer checkout already started, its own session is expired too, and the request is
 * refused with CONFLICT.
 *
 * A repeat of a request with the same Idempotency-Key gets back the session the first attempt
 * created: that session's row, with its original place in the order, is the one that counts, and
 * repeats of one request in flight together never count as newer than each other. A repeat is
 * not refused: like a replay, it answers with the session its request created, even expired.
 */
export async function settleCheckoutSession(
  services: Pick<AppServices, 'db' | 'stripe'>,
  attempt: CheckoutAttempt,
  sessionId: string,
): Promise<void> {
  const { db } = services;
  const { userId, requestKey } = attempt;
  const survey = (seq: number, store: boolean) =>
    storeAndSurvey(db).execute({ seq, store, sessionId, userId, requestKey });
  let repeat = false;
  const [settled] = await survey(attempt.seq, true).catch(async (error: unknown) => {
    // The session id is unique: a repeat of a request with the same Idempotency-Key got the
    // first attempt's session, whose row keeps its place in the order.
    const [existing] = await db
      .select({ seq: checkoutSessions.seq })
      .from(checkoutSessions)
      .where(eq(checkoutSessions.sessionId, sessionId));
    if (!existing) throw error;
    repeat = true;
    await abandonCheckoutAttempt(services, attempt);
    return survey(existing.seq, false);
  });
  if (!settled || (!repeat && !settled.stored)) throw new Error(`checkout attempt ${attempt.seq} vanished`);

  for (const earlierId of settled.earlierOpen ?? []) await expireSession(services, earlierId);

  if (settled.newerStarted) {
    await expireSession(services, sessionId);
    if (!repeat) throw new TRPCError(BILLING_ERROR_CODES.CHECKOUT_SUPERSEDED);
  }
}

/**
 * Expires a session at Stripe and records its status. Stripe answers 400 for a session that is no
 * longer open (already expired, or paid meanwhile): that is then read back and recorded as it is.
 * A session Stripe no longer has (another account or key, a restarted emulator) cannot be paid.
 */
async function expireSession({ db, stripe }: Pick<AppServices, 'db' | 'stripe'>, sessionId: string) {
  let status: 'expired' | 'complete';
  try {
    await stripe.checkout.sessions.expire(sessionId);
    status = 'expired';
  } catch (error) {
    if (isMissingResource(error)) {
      await recordCheckoutStatus(db, sessionId, 'expired');
      return;
    }
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.statusCode !== 400) {
      throw toBillingError(error);
    }
    const session = await stripe.checkout.sessions.retrieve(sessionId).catch((cause: unknown) => {
      throw toBillingError(cause);
    });
    if (session.status === 'open') throw toBillingError(error);
    status = session.status === 'complete' ? 'complete' : 'expired';
  }
  await recordCheckoutStatus(db, sessionId, status);
}

/** What a webhook or an expire call learnt about one of our sessions. */
export async function recordCheckoutStatus(
  db: Database | Transaction,
  sessionId: string,
  status: Exclude<CheckoutSessionStatus, 'creating'>,
): Promise<void> {
  await db.update(checkoutSessions).set({ status }).where(eq(checkoutSessions.sessionId, sessionId));
}

/**
 * Rows older than the longest a session can stay payable (24 hours, and an hour for clock skew)
 * order nothing any more: every session they name has expired or completed. Returns how many went.
 */
export function deleteSpentCheckoutSessions({ db, now }: Pick<AppServices, 'db' | 'now'>): Promise<number> {
  const cutoff = new Date(now().getTime() - SPENT_AFTER_MS);
  return deleteInBatches(db, checkoutSessions, [checkoutSessions.seq], lte(checkoutSessions.createdAt, cutoff));
}

const SPENT_AFTER_MS = 25 * 60 * 60 * 1000;
