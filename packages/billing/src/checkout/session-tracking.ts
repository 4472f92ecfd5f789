import type { AppServices } from '@subkit/core';
import {
  type CheckoutSessionStatus,
  checkoutSessions,
  type Database,
  deleteInBatches,
  preparedPerDatabase,
  type Transaction,
} from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
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
const storeSession = preparedPerDatabase((db) =>
  db
    .update(checkoutSessions)
    .set({ sessionId: sql`${sql.placeholder('sessionId')}`, status: 'open' })
    .where(eq(checkoutSessions.seq, sql.placeholder('seq')))
    .returning({ seq: checkoutSessions.seq })
    .prepare('checkout_attempt_store'),
);
const ofUser = eq(checkoutSessions.userId, sql.placeholder('userId'));
const earlierOpenSessions = preparedPerDatabase((db) =>
  db
    .select({ sessionId: checkoutSessions.sessionId })
    .from(checkoutSessions)
    .where(and(ofUser, lt(checkoutSessions.seq, sql.placeholder('seq')), eq(checkoutSessions.status, 'open')))
    .prepare('checkout_earlier_open'),
);
const newerAttempt = preparedPerDatabase((db) =>
  db
    .select({ seq: checkoutSessions.seq })
    .from(checkoutSessions)
    .where(and(ofUser, gt(checkoutSessions.seq, sql.placeholder('seq'))))
    .limit(1)
    .prepare('checkout_newer_attempt'),
);
/** A newer attempt that is not a retry of the same Idempotency-Key. */
const newerOtherAttempt = preparedPerDatabase((db) =>
  db
    .select({ seq: checkoutSessions.seq })
    .from(checkoutSessions)
    .where(
      and(
        ofUser,
        gt(checkoutSessions.seq, sql.placeholder('seq')),
        or(isNull(checkoutSessions.requestKey), ne(checkoutSessions.requestKey, sql.placeholder('requestKey'))),
      ),
    )
    .limit(1)
    .prepare('checkout_newer_other_attempt'),
);

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
  let repeat = false;
  const [stored] = await storeSession(db)
    .execute({ sessionId, seq: attempt.seq })
    .catch(async (error: unknown) => {
      const [existing] = await db
        .select({ seq: checkoutSessions.seq })
        .from(checkoutSessions)
        .where(eq(checkoutSessions.sessionId, sessionId));
      if (!existing) throw error;
      repeat = true;
      await abandonCheckoutAttempt(services, attempt);
      return [existing];
    });
  if (!stored) throw new Error(`checkout attempt ${attempt.seq} vanished`);
  const seq = stored.seq;
  const { userId, requestKey } = attempt;

  const earlier = await earlierOpenSessions(db).execute({ userId, seq });
  for (const { sessionId: earlierId } of earlier) if (earlierId) await expireSession(services, earlierId);

  const [newer] = await (requestKey === null
    ? newerAttempt(db).execute({ userId, seq })
    : newerOtherAttempt(db).execute({ userId, seq, requestKey }));
  if (newer) {
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
