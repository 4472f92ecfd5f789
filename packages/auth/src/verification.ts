import { users } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull } from 'drizzle-orm';
import { appLink, type MailContext, sendInBackground, verificationMail } from './account-mail';
import { consumeAccountToken, issueAccountToken } from './account-tokens';
import { AUTH_ERROR_CODES } from './error-codes';
import type { VerifyEmailInput } from './schemas';
import type { AuthDeps } from './service';

/** Mails the user a link to /verify-email (at sign-up, and when they ask again). */
export async function mailVerificationLink(ctx: AuthDeps & MailContext, user: { id: string; email: string }) {
  const token = await issueAccountToken(ctx, user.id, 'email_verification');
  sendInBackground(ctx, verificationMail(user.email, appLink(ctx, '/verify-email', token)));
}

/**
 * Marks the address verified. Public on purpose: the link may be opened on a device where the
 * person is not signed in, and the token alone proves they read the mail.
 */
export async function verifyEmail({ db, now }: AuthDeps, input: VerifyEmailInput) {
  const at = now();
  const email = await db.transaction(async (tx) => {
    const userId = await consumeAccountToken(tx, at, input.token, 'email_verification');
    if (!userId) throw new TRPCError(AUTH_ERROR_CODES.INVALID_LINK);
    // The first verification's time stays: a second link (asked for twice) changes nothing.
    await tx
      .update(users)
      .set({ emailVerifiedAt: at })
      .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    return user?.email;
  });
  if (email === undefined) throw new TRPCError(AUTH_ERROR_CODES.INVALID_LINK);
  return { email, emailVerified: true as const };
}

export async function resendVerification(
  ctx: AuthDeps & MailContext,
  user: { id: string; email: string; emailVerified: boolean },
) {
  if (user.emailVerified) throw new TRPCError(AUTH_ERROR_CODES.EMAIL_ALREADY_VERIFIED);
  await mailVerificationLink(ctx, user);
  return { sent: true as const };
}
