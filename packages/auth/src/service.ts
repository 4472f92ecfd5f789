import type { SessionUser } from '@subkit/core';
import type { Database } from '@subkit/db';
import { deleteInBatches, isUniqueViolation, preparedPerDatabase, sessions, users } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { AUTH_ERROR_CODES } from './error-codes';
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password';
import type { AuthSession, SignInInput, SignUpInput } from './schemas';
import { generateSessionToken, hashSessionToken, isWellFormedToken, SESSION_TTL_MS } from './tokens';

export interface AuthDeps {
  db: Database;
  now: () => Date;
}

async function startSession({ db, now }: AuthDeps, user: { id: string; email: string }): Promise<AuthSession> {
  const token = generateSessionToken();
  const expiresAt = new Date(now().getTime() + SESSION_TTL_MS);
  await db.insert(sessions).values({ id: hashSessionToken(token), userId: user.id, expiresAt });
  return { token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email } };
}

export async function signUp(deps: AuthDeps, input: SignUpInput): Promise<AuthSession> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await deps.db
      .insert(users)
      .values({ email: input.email, passwordHash })
      .returning({ id: users.id, email: users.email });
    if (!user) throw new Error('insert returned no row');
    return await startSession(deps, user);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new TRPCError(AUTH_ERROR_CODES.EMAIL_TAKEN);
    }
    throw error;
  }
}

export async function signIn(deps: AuthDeps, input: SignInInput): Promise<AuthSession> {
  const [user] = await deps.db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
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
 * The bearer token → signed-in user, in one round trip (session joined to its user). Malformed,
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
  return row ? { id, user: row } : null;
}

// Every authenticated request runs this one, so it is prepared once.
const sessionUser = preparedPerDatabase((db) =>
  db
    .select({ id: users.id, email: users.email, stripeCustomerId: users.stripeCustomerId })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare('session_user'),
);
