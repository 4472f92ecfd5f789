import { AUTH_ERROR_CODES, hashSessionToken } from '@subkit/auth';
import { CORE_ERROR_CODES } from '@subkit/core';
import { sessions, users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type Stack, startStack, uniqueEmail } from './harness';

const PASSWORD = 'correct horse battery';
// Hashes of PASSWORD. The scrypt one was made by @subkit/auth's hashPassword before the move to argon2id.
const SCRYPT_HASH_FROM_BEFORE_ARGON2 =
  'scrypt$16384$8$1$dmq1LO9ij3r0TtVJHLu4Cg$ttsKyoYI499425aPSvE85obp9rm0qsPed3t8-gJo2rW9SWqXdQ_SY6QuMoOv-N2g0Jp6FtbhdGlnHslxjTFOGA';
const ARGON2ID_AT_8_MIB =
  '$argon2id$v=19$m=8192,t=2,p=1$kGXzWDNrtgmbV0W9dshv8A$SLwZMJNTi7bKyWuGDEJ82bauyipX7Wm9cQThABXCJJQ';

describe.each(testDatabaseKinds())('auth over REST on %s', (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(kind);
  });
  afterAll(() => stack.close());

  const post = (path: string, body?: unknown, token?: string) =>
    request(stack.server.url, 'POST', path, { ...(body !== undefined && { body }), ...(token && { token }) });

  it('signs up (201) with a token, its expiry and the user', async () => {
    const email = uniqueEmail();
    const response = await post('/api/auth/signup', { email, password: PASSWORD });
    expect(response.status).toBe(201);
    const { success, data } = response.body as {
      success: boolean;
      data: { token: string; expiresAt: string; user: { id: string; email: string } };
    };
    expect(success).toBe(true);
    expect(data.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(data.user).toEqual({ id: expect.any(String), email, emailVerified: false });
    const days = (Date.parse(data.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('stores only the SHA-256 of the token and a salted argon2id hash of the password', async () => {
    const email = uniqueEmail();
    const { data } = (await post('/api/auth/signup', { email, password: PASSWORD })).body as {
      data: { token: string; user: { id: string } };
    };
    const stored = await stack.database.db.select().from(sessions).where(eq(sessions.userId, data.user.id));
    expect(stored.map((row) => row.id)).toEqual([hashSessionToken(data.token)]);
    const [user] = await stack.database.db.select().from(users).where(eq(users.id, data.user.id));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user?.passwordHash).not.toContain(PASSWORD);
  });

  it('refuses a taken email, in any letter case (409)', async () => {
    const email = uniqueEmail();
    await post('/api/auth/signup', { email, password: PASSWORD });
    const response = await post('/api/auth/signup', { email: email.toUpperCase(), password: PASSWORD });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      success: false,
      error: AUTH_ERROR_CODES.EMAIL_TAKEN,
    });
  });

  it.each([
    [{ email: 'not-an-email', password: PASSWORD }, 'email must be a valid email address'],
    [{ email: uniqueEmail(), password: 'short' }, AUTH_ERROR_CODES.PASSWORD_TOO_SHORT.message],
    [{ password: PASSWORD }, 'email is required'],
    [{ email: uniqueEmail() }, 'password is required'],
    [{ email: uniqueEmail(), password: '12345678' }, AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    [{ email: uniqueEmail(), password: 'Password' }, AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    [{ email: uniqueEmail(), password: ' '.repeat(8) }, 'password cannot be only spaces'],
    [{ email: uniqueEmail(), password: 'x'.repeat(201) }, AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message],
  ])('refuses bad sign-up input (400): %j', async (body, message) => {
    const response = await post('/api/auth/signup', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: { code: 'BAD_REQUEST', message } });
  });

  it('logs in (200) with the same shape, and refuses a wrong password or unknown email alike (401)', async () => {
    const email = uniqueEmail();
    await post('/api/auth/signup', { email, password: PASSWORD });
    const ok = await post('/api/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(ok.status).toBe(200);
    expect((ok.body as { data: { user: { email: string } } }).data.user.email).toBe(email);

    const invalid = { success: false, error: AUTH_ERROR_CODES.INVALID_CREDENTIALS };
    const wrongPassword = await post('/api/auth/login', { email, password: 'wrong password' });
    expect([wrongPassword.status, wrongPassword.body]).toEqual([401, invalid]);
    const unknownEmail = await post('/api/auth/login', { email: uniqueEmail('nobody'), password: PASSWORD });
    expect([unknownEmail.status, unknownEmail.body]).toEqual([401, invalid]);
  });

  it('accepts a 64-character passphrase (NIST asks for at least 64)', async () => {
    const password = 'a long passphrase that nobody else would ever think of using, ok';
    expect(password).toHaveLength(64);
    const email = uniqueEmail();
    expect((await post('/api/auth/signup', { email, password })).status).toBe(201);
    expect((await post('/api/auth/login', { email, password })).status).toBe(200);
  });

  describe('a password hashed before the current parameters', () => {
    const storedHashOf = async (email: string) => {
      const [user] = await stack.database.db.select().from(users).where(eq(users.email, email));
      return user?.passwordHash;
    };
    const createUserWithHash = async (passwordHash: string) => {
      const email = uniqueEmail();
      await stack.database.db.insert(users).values({ email, passwordHash });
      return email;
    };

    it.each([
      ['scrypt, from before argon2id', SCRYPT_HASH_FROM_BEFORE_ARGON2],
      ['argon2id at less memory', ARGON2ID_AT_8_MIB],
    ])('%s: signs in, and that sign-in rehashes it at the current argon2id parameters', async (_kind, oldHash) => {
      const email = await createUserWithHash(oldHash);
      expect((await post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
      const rehashed = await storedHashOf(email);
      expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect((await post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
      expect(await storedHashOf(email)).toBe(rehashed);
    });

    it('is left as it is by a wrong password', async () => {
      const email = await createUserWithHash(SCRYPT_HASH_FROM_BEFORE_ARGON2);
      expect((await post('/api/auth/login', { email, password: 'wrong password' })).status).toBe(401);
      expect(await storedHashOf(email)).toBe(SCRYPT_HASH_FROM_BEFORE_ARGON2);
    });
  });

  it('logs out (200) and the token stops working', async () => {
    const email = uniqueEmail();
    const { data } = (await post('/api/auth/signup', { email, password: PASSWORD })).body as {
      data: { token: string };
    };
    const me = await request(stack.server.url, 'GET', '/api/auth/me', { token: data.token });
    expect(me.status).toBe(200);
    expect((me.body as { data: { email: string } }).data.email).toBe(email);

    const logout = await post('/api/auth/logout', undefined, data.token);
    expect(logout.status).toBe(200);
    expect(logout.body).toEqual({ success: true, data: { signedOut: true } });

    const after = await request(stack.server.url, 'GET', '/api/auth/me', { token: data.token });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ success: false, error: CORE_ERROR_CODES.UNAUTHENTICATED });
  });

  it('refuses an expired token (401)', async () => {
    const { data } = (await post('/api/auth/signup', { email: uniqueEmail(), password: PASSWORD })).body as {
      data: { token: string };
    };
    await stack.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, hashSessionToken(data.token)));
    const response = await request(stack.server.url, 'GET', '/api/auth/me', { token: data.token });
    expect(response.status).toBe(401);
  });

  it.each([
    ['no header', {}],
    ['a non-Bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
  ])('refuses a protected route with %s (401)', async (_why, headers) => {
    const response = await request(stack.server.url, 'GET', '/api/auth/me', { headers });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      success: false,
      error: CORE_ERROR_CODES.UNAUTHENTICATED,
    });
  });

  it('reports health with the database and Stripe it runs on', async () => {
    const response = await request(stack.server.url, 'GET', '/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: kind, stripe: 'emulator' });
  });
});
