import type { SessionUser } from '@subkit/core';
import type { Database } from '@subkit/db';
import {
  deleteInBatches,
  hasLiveSubscriptionColumn,
  isUniqueViolation,
  preparedPerDatabase,
  sessions,
  users,
} from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { MailContext } from './account-mail';
import { AUTH_ERROR_CODES } from './error-codes';
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password';
import type { AuthSession, SignInInput, SignUpInput } from './schemas';
import { generateSessionToken, hashSessionToken, isWellFormedToken, SESSION_TTL_MS } from './tokens';
import { mailVerificationLink } from './verification';

export interface AuthDeps {
  db: Database;
  now: () => Date;
}

/** A user as sessions answer it: `emailVerified` from the column that records when. */
export const userColumns = { id: users.id, email: users.email, emailVerifiedAt: users.emailVerifiedAt };
export type UserRow = { id: string; email: string; emailVerifiedAt: Date | null };

/** Starts a session for the user; `db` may be a transaction the session must commit with. */
export async function startSession({ db, now }: AuthDeps, user: UserRow): Promise<AuthSession> {
  const token = generateSessionToken();
  const expiresAt = new Date(now().getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({ id: hashSessionToken(token), userId: user.id, expiresAt });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { id: user.id, email: user.email, emailVerified: user.emailVerifiedAt !== null },
  };
}

export async function signUp(ctx: AuthDeps & MailContext, input: SignUpInput): Promise<AuthSession> {
  const passwordHash = await hashPassword(input.password);
  let user: UserRow | undefined;
  try {
    [user] = await ctx.db.insert(users).values({ email: input.email, passwordHash }).returning(userColumns);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new TRPCError(AUTH_ERROR_CODES.EMAIL_TAKEN);
    }
    throw error;
  }
  if (!user) throw new Error('insert returned no row');
  const session = await startSession(ctx, user);
  await mailVerificationLink(ctx, user);
  return session;
}

export async function signIn(deps: AuthDeps, input: SignInInput): Promise<AuthSession> {
  const [user] = await deps.db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, input.email));
  // Unknown emails still pay for one verify, so timing does not reveal which emails have accounts.
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash));
  if (!user || !valid) {
    throw new TRPCError(AUTH_ERROR_CODES.INVALID_CREDENTIALS);
  }
  // Only now do we hold the plain password a stronger hash needs.
  if (needsRehash(user.passwordHash)) await rehashPassword(deps, user, input.password);
  return startSession(deps, user);
}

/** Replaces the hash only if it is still the one just verified, so a concurrent change of password wins. */
async function rehashPassword(
  { db }: AuthDeps,
  user: { id: string; passwordHash: string },
  password: string,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
}

export async function signOut({ db }: AuthDeps, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/**
 * Deletes sessions that can no longer sign anyone in (`resolveSession` already ignores them), so
 * the table holds live sessions rather than every sign-in ever made. Returns how many went.
 */
export function deleteExpiredSessions({ db, now }: AuthDeps): Promise<number> {
  return deleteInBatches(db, sessions, [sessions.id], lte(sessions.expiresAt, now()));
}

/**
 * The bearer token → signed-in user, in one round trip (session joined to its user, with what a
 * checkout needs of billing: the Stripe customer and whether a subscription is live). Malformed,
 * unknown, expired and revoked tokens all come back as null.
 */
export async function resolveSession(
  { db, now }: AuthDeps,
  token: string,
): Promise<{ id: string; user: SessionUser } | null> {
  if (!isWellFormedToken(token)) return null;
  const id = hashSessionToken(token);
  // A placeholder's value reaches the driver as is, without the column's Date encoding.
  const [row] = await sessionUser(db).execute({ id, now: now().toISOString() });
  if (!row) return null;
  const { emailVerifiedAt, ...user } = row;
  return { id, user: { ...user, emailVerified: emailVerifiedAt !== null } };
}

// Every authenticated request runs this one, so it is prepared once.
const sessionUser = preparedPerDatabase((db) =>
  db
    .select({
      ...userColumns,
      stripeCustomerId: users.stripeCustomerId,
      hasLiveSubscription: hasLiveSubscriptionColumn(users.id),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare('session_user'),
);
