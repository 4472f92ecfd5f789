import type { AppServices } from '@subkit/core';
import { checkoutRequests, deleteInBatches } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, lte } from 'drizzle-orm';
import { BILLING_ERROR_CODES } from '../error-codes';
import { assertIdempotencyKeyShape, requestHash as hashOf, sha256 } from '../idempotency/request-hash';
import type { CreateCheckoutOutput } from './schemas';

/** A checkout request made under an Idempotency-Key, once it has been claimed. */
export interface IdempotentCheckout {
  /** The session an earlier request with this key created; return it as is. */
  replay: CreateCheckoutOutput | null;
  /** `expires_at` to send Stripe: the first attempt's, so retries send identical parameters. */
  expiresAt: number;
  /** Names this claim (one user, key and claim lifetime): every retry of the request shares it. */
  requestKey: string;
  /**
   * Stripe's Idempotency-Key for the session create with this customer. The customer is part of
   * it: when the user's customer is replaced (Stripe lost the old one), the create with the new
   * customer must not meet Stripe's record of the create with the old one.
   */
  stripeKeyFor(customerId: string): string;
  remember(result: CreateCheckoutOutput): Promise<void>;
}

/**
 * Claims `key` for this user and request body. The first request inserts the claim; a repeat
 * with the same body finds it (and the session, once there is one); a repeat with another body
 * is refused with 409, as Stripe refuses a reused key with other parameters.
 */
export async function claimIdempotencyKey(
  { db }: Pick<AppServices, 'db'>,
  userId: string,
  key: string,
  input: unknown,
  expiresAt: number,
): Promise<IdempotentCheckout> {
  assertIdempotencyKeyShape(key);
  const requestHash = hashOf(input);
  const where = and(eq(checkoutRequests.userId, userId), eq(checkoutRequests.idempotencyKey, key));

  await db
    .insert(checkoutRequests)
    .values({ userId, idempotencyKey: key, requestHash, expiresAt })
    .onConflictDoNothing();
  const [claim] = await db.select().from(checkoutRequests).where(where);
  if (!claim) throw new Error('idempotency claim vanished');
  if (claim.requestHash !== requestHash) {
    throw new TRPCError(BILLING_ERROR_CODES.IDEMPOTENCY_KEY_REUSED);
  }
  // The claim's own expiry is part of the key: once housekeeping has deleted a spent claim, the
  // same key makes a new claim and must not meet the old one at Stripe, which keeps keys for
  // at least 24 hours with the old parameters.
  const requestKey = `subkit-checkout-${sha256(`${userId}:${key}:${claim.expiresAt}`)}`;
  return {
    replay: claim.sessionId && claim.url ? { sessionId: claim.sessionId, url: claim.url } : null,
    expiresAt: claim.expiresAt,
    requestKey,
    stripeKeyFor: (customerId) => `${requestKey}-${customerId}`,
    remember: async (result) => {
      await db.update(checkoutRequests).set({ sessionId: result.sessionId, url: result.url }).where(where);
    },
  };
}

/**
 * Deletes claims whose checkout session has expired: replaying one would only return a session
 * nobody can pay. A later request with the same key starts afresh, with a Stripe key of its own.
 * Returns how many went.
 */
export function deleteExpiredCheckoutClaims({ db, now }: Pick<AppServices, 'db' | 'now'>): Promise<number> {
  const nowSeconds = Math.floor(now().getTime() / 1000);
  const { userId, idempotencyKey, expiresAt } = checkoutRequests;
  return deleteInBatches(db, checkoutRequests, [userId, idempotencyKey], lte(expiresAt, nowSeconds));
}
