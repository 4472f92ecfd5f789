import type { AppServices } from '@subkit/core';
import { deleteInBatches, idempotentRequests } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, lte } from 'drizzle-orm';
import { BILLING_ERROR_CODES } from '../error-codes';
import { assertIdempotencyKeyShape, requestHash, sha256 } from './request-hash';

/** Stripe forgets an Idempotency-Key after 24 hours; ours last as long. */
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Names one Stripe call of a mutation, so each call of a retried request meets its own earlier self at Stripe. */
export type StripeKeyFor = (step: string) => { idempotencyKey: string } | undefined;

/**
 * Runs a mutation at most once per user, operation and Idempotency-Key, as checkout does: the
 * first request claims the key; a repeat with the same body gets the stored answer (or, while the
 * first is still running or after it failed, runs again with the same Stripe keys, which Stripe
 * answers as it answered the first); a repeat with another body is refused with 409.
 * Without a key the mutation simply runs.
 */
export async function idempotentMutation<T>(
  { db }: Pick<AppServices, 'db'>,
  userId: string,
  operation: string,
  key: string | null,
  input: unknown,
  run: (stripeKeyFor: StripeKeyFor) => Promise<T>,
): Promise<T> {
  if (key === null) return run(() => undefined);
  assertIdempotencyKeyShape(key);
  const hash = requestHash(input);
  const where = and(
    eq(idempotentRequests.userId, userId),
    eq(idempotentRequests.operation, operation),
    eq(idempotentRequests.idempotencyKey, key),
  );
  await db
    .insert(idempotentRequests)
    .values({ userId, operation, idempotencyKey: key, requestHash: hash })
    .onConflictDoNothing();
  const [claim] = await db.select().from(idempotentRequests).where(where);
  if (!claim) throw new Error('idempotency claim vanished');
  if (claim.requestHash !== hash) throw new TRPCError(BILLING_ERROR_CODES.IDEMPOTENCY_KEY_REUSED);
  if (claim.response !== null) return claim.response as T;
  // The claim's creation time is part of the key: once housekeeping has deleted it, the same key
  // starts afresh and must not meet the old request at Stripe.
  const requestKey = `subkit-${operation}-${sha256(`${userId}:${key}:${claim.createdAt.toISOString()}`)}`;
  const result = await run((step) => ({ idempotencyKey: `${requestKey}-${step}` }));
  await db
    .update(idempotentRequests)
    .set({ response: result as object })
    .where(where);
  return result;
}

/** Deletes claims older than a key's lifetime; returns how many went. */
export function deleteExpiredRequestClaims({ db, now }: Pick<AppServices, 'db' | 'now'>): Promise<number> {
  const { userId, operation, idempotencyKey, createdAt } = idempotentRequests;
  return deleteInBatches(
    db,
    idempotentRequests,
    [userId, operation, idempotencyKey],
    lte(createdAt, new Date(now().getTime() - KEY_LIFETIME_MS)),
  );
}
