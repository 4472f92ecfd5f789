import type { Database, Transaction } from '@subkit/db';
import { type AccountTokenPurpose, accountTokens, deleteInBatches } from '@subkit/db';
import { and, eq, lte } from 'drizzle-orm';
import { generateSessionToken, hashSessionToken, isWellFormedToken } from './tokens';

/**
 * How long a mailed link works. A reset link is a key to the account sitting in an inbox, so it is
 * short (OWASP Forgot Password Cheat Sheet); a verification link only proves the address, and may
 * be opened the next day.
 */
export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  password_reset: 60 * 60 * 1000,
  email_verification: 48 * 60 * 60 * 1000,
};

/**
 * A new single-use token for a mailed link. Same making and hashing as session tokens (32 random
 * bytes, SHA-256 stored), so a leaked table opens nothing; the plain token only goes into the mail.
 */
export async function issueAccountToken(
  { db, now }: { db: Database; now: () => Date },
  userId: string,
  purpose: AccountTokenPurpose,
): Promise<string> {
  const token = generateSessionToken();
  const expiresAt = new Date(now().getTime() + ACCOUNT_TOKEN_TTL_MS[purpose]);
  await db.insert(accountTokens).values({ id: hashSessionToken(token), userId, purpose, expiresAt });
  return token;
}

/**
 * Spends a token: deletes its row and returns its user when it was live, null when it is unknown,
 * already used or expired. The delete is what makes it single use, also between two processes
 * racing with the same link (only one gets the row back).
 */
export async function consumeAccountToken(
  tx: Transaction,
  now: Date,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<string | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await tx
    .delete(accountTokens)
    .where(and(eq(accountTokens.id, hashSessionToken(token)), eq(accountTokens.purpose, purpose)))
    .returning({ userId: accountTokens.userId, expiresAt: accountTokens.expiresAt });
  return row && row.expiresAt > now ? row.userId : null;
}

/** Every outstanding token of one kind for a user: a new password makes earlier reset links worthless. */
export async function revokeAccountTokens(tx: Transaction, userId: string, purpose: AccountTokenPurpose) {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)));
}

/** Housekeeping: tokens past their expiry can no longer be used. Returns how many went. */
export function deleteExpiredAccountTokens({ db, now }: { db: Database; now: () => Date }): Promise<number> {
  return deleteInBatches(db, accountTokens, [accountTokens.id], lte(accountTokens.expiresAt, now()));
}
