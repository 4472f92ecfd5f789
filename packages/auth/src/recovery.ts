import { type Context, tooManyRequests } from '@subkit/core';
import { sessions, users } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, ne } from 'drizzle-orm';
import { appLink, type MailContext, passwordResetMail, sendInBackground } from './account-mail';
import { consumeAccountToken, issueAccountToken, revokeAccountTokens } from './account-tokens';
import { AUTH_ERROR_CODES } from './error-codes';
import { hashPassword, verifyPassword } from './password';
import type { AuthSession, ChangePasswordInput, RequestPasswordResetInput, ResetPasswordInput } from './schemas';
import { type AuthDeps, startSession, userColumns } from './service';

/**
 * Spends one of the recipient's mail budget (`mail` bucket). The same limit applies whether or not
 * an account exists, so a refusal reveals nothing; it keeps anyone from flooding an inbox.
 */
async function spendMailBudget({ rateLimiter }: Pick<Context, 'rateLimiter'>, recipient: string) {
  const decision = await rateLimiter.consume('mail', recipient);
  if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
}

/**
 * Mails a reset link when an account has this email, and answers the same either way: the answer
 * and its timing (the mail goes out in the background) do not tell who has an account.
 */
export async function requestPasswordReset(
  ctx: AuthDeps & MailContext & Pick<Context, 'rateLimiter'>,
  input: RequestPasswordResetInput,
) {
  await spendMailBudget(ctx, `email:${input.email}`);
  const [user] = await ctx.db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.email, input.email));
  if (user) {
    const token = await issueAccountToken(ctx, user.id, 'password_reset');
    sendInBackground(ctx, passwordResetMail(user.email, appLink(ctx, '/reset-password', token)));
  }
  return { requested: true as const };
}

/**
 * Sets the new password from a reset link, in one transaction: the link is spent, every session
 * of the account ends (whoever held one may be why the password is being reset), other reset links
 * stop working, and a new session signs the person in. Opening the mailed link also proves the
 * address, so it counts as verified.
 */
export async function resetPassword({ db, now }: AuthDeps, input: ResetPasswordInput): Promise<AuthSession> {
  const passwordHash = await hashPassword(input.password);
  const at = now();
  return db.transaction(async (tx) => {
    const userId = await consumeAccountToken(tx, at, input.token, 'password_reset');
    if (!userId) throw new TRPCError(AUTH_ERROR_CODES.INVALID_LINK);
    const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).returning(userColumns);
    if (!user) throw new TRPCError(AUTH_ERROR_CODES.INVALID_LINK);
    if (!user.emailVerifiedAt) {
      user.emailVerifiedAt = at;
      await tx.update(users).set({ emailVerifiedAt: at }).where(eq(users.id, userId));
    }
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await revokeAccountTokens(tx, userId, 'password_reset');
    return startSession({ db: tx, now }, user);
  });
}

/**
 * Changes the password of the signed-in person, who proves it with the current one. Every other
 * session ends (a stolen one among them, the usual reason to change a password) and outstanding
 * reset links stop working; the session that asked stays signed in.
 */
export async function changePassword(
  { db }: AuthDeps,
  session: { id: string; userId: string },
  input: ChangePasswordInput,
) {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, session.userId));
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new TRPCError(AUTH_ERROR_CODES.WRONG_CURRENT_PASSWORD);
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    // Only over the hash just verified: a reset or another change in between wins, and this one is refused.
    const changed = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, session.userId), eq(users.passwordHash, user.passwordHash)))
      .returning({ id: users.id });
    if (changed.length === 0) throw new TRPCError(AUTH_ERROR_CODES.WRONG_CURRENT_PASSWORD);
    const revoked = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, session.userId), ne(sessions.id, session.id)))
      .returning({ id: sessions.id });
    await revokeAccountTokens(tx, session.userId, 'password_reset');
    return { changed: true as const, revokedSessions: revoked.length };
  });
}
