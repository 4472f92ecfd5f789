/**
 * Accounts people can recover, over real HTTP on a real database: password reset and email
 * verification through the mail the server sends (read from the development outbox, or received by
 * a real SMTP server), and password change. Each flow checks what the old credentials can still do.
 */
import type { AddressInfo } from 'node:net';
import { ACCOUNT_TOKEN_TTL_MS, AUTH_ERROR_CODES } from '@subkit/auth';
import { CORE_ERROR_CODES } from '@subkit/core';
import { accountTokens } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { eq } from 'drizzle-orm';
import getPort from 'get-port';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, request, SEED_ORIGIN, type Stack, signUp, startStack, uniqueEmail } from './harness';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new horse battery';
const RESET_SUBJECT = 'Reset your password';
const VERIFY_SUBJECT = 'Confirm your email address';

interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Where a test reads the mail the server sent: the outbox page's JSON, or what an SMTP server received. */
type MailReader = (to: string) => Promise<Mail[]>;

/** Mail goes out in the background, after the answer: wait for the one wanted. */
async function waitForMail(read: MailReader, to: string, subject: string, count = 1): Promise<Mail> {
  let found: Mail[] = [];
  await expect
    .poll(
      async () => {
        found = (await read(to)).filter((mail) => mail.subject === subject);
        return found.length;
      },
      { timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(count);
  const newest = found.at(-1);
  if (!newest) throw new Error('no mail');
  return newest;
}

/** The one link a mail carries, and its token. */
function linkIn(mail: Mail, path: string): { url: string; token: string } {
  const url = /https?:\/\/\S+/.exec(mail.text)?.[0];
  if (!url) throw new Error(`no link in ${mail.text}`);
  const parsed = new URL(url);
  expect(`${parsed.origin}${parsed.pathname}`).toBe(`${SEED_ORIGIN}${path}`);
  return { url, token: parsed.searchParams.get('token') ?? '' };
}

function recoveryScenarios(name: string, setUp: () => Promise<{ stack: Stack; read: MailReader }>) {
  describe(name, () => {
    let stack: Stack;
    let read: MailReader;
    beforeAll(async () => {
      ({ stack, read } = await setUp());
    });
    afterAll(() => stack?.close());

    const post = (path: string, body?: unknown, token?: string) =>
      request(stack.server.url, 'POST', path, { ...(body !== undefined && { body }), ...(token && { token }) });
    const me = (token: string) => request(stack.server.url, 'GET', '/api/auth/me', { token });
    const signIn = (email: string, password: string) => post('/api/auth/login', { email, password });

    async function resetLink(email: string, count = 1): Promise<string> {
      const answer = await post('/api/auth/password-reset', { email });
      expect(answer.status).toBe(200);
      return linkIn(await waitForMail(read, email, RESET_SUBJECT, count), '/reset-password').token;
    }

    it('resets a password through the mailed link: every old session ends, the new password signs in', async () => {
      const { email, token: signUpSession } = await signUp(stack.server.url);
      const signInSession = ((await signIn(email, PASSWORD)).body as { data: { token: string } }).data.token;

      const token = await resetLink(email);
      const reset = await post('/api/auth/password-reset/confirm', { token, password: NEW_PASSWORD });
      expect(reset.status).toBe(200);
      const { data } = reset.body as { data: { token: string; user: { email: string; emailVerified: boolean } } };
      // Opening the mailed link proved the address.
      expect(data.user).toMatchObject({ email, emailVerified: true });

      for (const old of [signUpSession, signInSession]) {
        expect((await me(old)).body).toEqual({ success: false, error: CORE_ERROR_CODES.UNAUTHENTICATED });
      }
      expect((await me(data.token)).status).toBe(200);
      expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);
      expect((await signIn(email, PASSWORD)).body).toEqual({
        success: false,
        error: AUTH_ERROR_CODES.INVALID_CREDENTIALS,
      });

      const again = await post('/api/auth/password-reset/confirm', { token, password: 'yet another horse battery' });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ success: false, error: AUTH_ERROR_CODES.INVALID_LINK });
      expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);
    });

    it('answers an unknown email exactly as a known one, and mails nobody', async () => {
      const known = (await signUp(stack.server.url)).email;
      const unknown = uniqueEmail('nobody');
      const forUnknown = await post('/api/auth/password-reset', { email: unknown });
      const forKnown = await post('/api/auth/password-reset', { email: known });
      expect(forUnknown.status).toBe(200);
      expect(forUnknown.body).toEqual(forKnown.body);
      expect(forUnknown.body).toEqual({ success: true, data: { requested: true } });
      // Sent after the unknown one's request: once it is here, a mail to the unknown address would be too.
      await waitForMail(read, known, RESET_SUBJECT);
      expect(await read(unknown)).toEqual([]);
    });

    it('refuses an expired reset link (400) and keeps the password', async () => {
      const { email } = await signUp(stack.server.url);
      const token = await resetLink(email);
      const { services } = stack.server.app;
      const realNow = services.now;
      services.now = () => new Date(realNow().getTime() + ACCOUNT_TOKEN_TTL_MS.password_reset + 1_000);
      try {
        const expired = await post('/api/auth/password-reset/confirm', { token, password: NEW_PASSWORD });
        expect(expired.status).toBe(400);
        expect(expired.body).toEqual({ success: false, error: AUTH_ERROR_CODES.INVALID_LINK });
      } finally {
        services.now = realNow;
      }
      expect((await signIn(email, PASSWORD)).status).toBe(200);
    });

    it('refuses made-up links and a verification link used to reset (400)', async () => {
      const { email } = await signUp(stack.server.url);
      const verification = linkIn(await waitForMail(read, email, VERIFY_SUBJECT), '/verify-email').token;
      for (const token of ['not-a-token', 'A'.repeat(43), verification]) {
        const answer = await post('/api/auth/password-reset/confirm', { token, password: NEW_PASSWORD });
        expect(answer.body).toEqual({ success: false, error: AUTH_ERROR_CODES.INVALID_LINK });
      }
      expect((await signIn(email, PASSWORD)).status).toBe(200);
    });

    it('applies the sign-up password rules on reset and leaves the link usable after a refusal', async () => {
      const { email } = await signUp(stack.server.url);
      const token = await resetLink(email);
      const weak = await post('/api/auth/password-reset/confirm', { token, password: 'password' });
      expect(weak.body).toEqual({
        success: false,
        error: { code: 'BAD_REQUEST', message: AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message },
      });
      const missing = await post('/api/auth/password-reset/confirm', { password: NEW_PASSWORD });
      expect(missing.body).toEqual({ success: false, error: { code: 'BAD_REQUEST', message: 'token is required' } });
      expect((await post('/api/auth/password-reset/confirm', { token, password: NEW_PASSWORD })).status).toBe(200);
    });

    it('verifies the address through the link mailed at sign-up, once', async () => {
      const { email, token: session } = await signUp(stack.server.url);
      expect((await me(session)).body).toMatchObject({ data: { email, emailVerified: false } });
      const { token } = linkIn(await waitForMail(read, email, VERIFY_SUBJECT), '/verify-email');

      // Needs no session: the link may be opened on another device.
      const verified = await post('/api/auth/verify-email', { token });
      expect(verified.body).toEqual({ success: true, data: { email, emailVerified: true } });
      expect((await me(session)).body).toMatchObject({ data: { email, emailVerified: true } });

      expect((await post('/api/auth/verify-email', { token })).body).toEqual({
        success: false,
        error: AUTH_ERROR_CODES.INVALID_LINK,
      });
      expect((await post('/api/auth/verify-email/resend', undefined, session)).body).toEqual({
        success: false,
        error: AUTH_ERROR_CODES.EMAIL_ALREADY_VERIFIED,
      });
    });

    it('mails a new verification link on request, to a signed-in person only', async () => {
      const { email, token: session } = await signUp(stack.server.url);
      await waitForMail(read, email, VERIFY_SUBJECT);
      expect((await post('/api/auth/verify-email/resend')).status).toBe(401);
      const resent = await post('/api/auth/verify-email/resend', undefined, session);
      expect(resent.body).toEqual({ success: true, data: { sent: true } });
      const { token } = linkIn(await waitForMail(read, email, VERIFY_SUBJECT, 2), '/verify-email');
      expect((await post('/api/auth/verify-email', { token })).status).toBe(200);
    });

    it('changes the password: other sessions and earlier reset links end, this session stays', async () => {
      const { email, token: current } = await signUp(stack.server.url);
      const others = await Promise.all(
        [1, 2].map(async () => ((await signIn(email, PASSWORD)).body as { data: { token: string } }).data.token),
      );
      const resetToken = await resetLink(email);

      const wrong = await post(
        '/api/auth/password',
        { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
        current,
      );
      expect(wrong.body).toEqual({ success: false, error: AUTH_ERROR_CODES.WRONG_CURRENT_PASSWORD });
      expect((await me(others[0] ?? '')).status).toBe(200);

      const changed = await post(
        '/api/auth/password',
        { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
        current,
      );
      expect(changed.body).toEqual({ success: true, data: { changed: true, revokedSessions: 2 } });
      expect((await me(current)).status).toBe(200);
      for (const other of others) expect((await me(other)).status).toBe(401);
      expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);
      expect((await signIn(email, PASSWORD)).status).toBe(401);
      expect((await post('/api/auth/password-reset/confirm', { token: resetToken, password: PASSWORD })).body).toEqual({
        success: false,
        error: AUTH_ERROR_CODES.INVALID_LINK,
      });

      expect(
        (await post('/api/auth/password', { currentPassword: NEW_PASSWORD, newPassword: 'short' }, current)).body,
      ).toEqual({
        success: false,
        error: { code: 'BAD_REQUEST', message: AUTH_ERROR_CODES.PASSWORD_TOO_SHORT.message },
      });
      expect((await post('/api/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(
        401,
      );
    });

    it('stores reset tokens hashed, and a used one is gone', async () => {
      const { email, userId } = await signUp(stack.server.url);
      const token = await resetLink(email);
      const stored = await stack.database.db
        .select({ id: accountTokens.id, purpose: accountTokens.purpose })
        .from(accountTokens)
        .where(eq(accountTokens.userId, userId));
      expect(stored.map((row) => row.id)).not.toContain(token);
      expect(stored.filter((row) => row.purpose === 'password_reset')).toHaveLength(1);
      await post('/api/auth/password-reset/confirm', { token, password: NEW_PASSWORD });
      const left = await stack.database.db
        .select({ purpose: accountTokens.purpose })
        .from(accountTokens)
        .where(eq(accountTokens.userId, userId));
      expect(left.map((row) => row.purpose)).not.toContain('password_reset');
    });
  });
}

describe.each(testDatabaseKinds())('account recovery on %s', (kind) => {
  recoveryScenarios('through the development outbox', async () => {
    const stack = await startStack(kind);
    const read: MailReader = async (to) => {
      const answer = await request(stack.server.url, 'GET', `/dev/outbox.json?to=${encodeURIComponent(to)}`);
      expect(answer.status).toBe(200);
      // Newest first on the page; oldest first here, as an inbox reads.
      return (answer.body as { messages: Mail[] }).messages.reverse();
    };
    return { stack, read };
  });

  let smtp: { server: SMTPServer; received: Mail[]; raw: string[] } | undefined;
  afterAll(async () => {
    await new Promise<void>((resolve) => (smtp ? smtp.server.close(() => resolve()) : resolve()));
  });

  recoveryScenarios('through a real SMTP server', async () => {
    const received: Mail[] = [];
    const raw: string[] = [];
    const server = new SMTPServer({
      // No TLS on a loopback test server: nodemailer then sends in the clear, which needs insecure AUTH allowed.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'subkit' && auth.password === 'mail-secret') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const message = Buffer.concat(chunks).toString('utf8');
          raw.push(message);
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address).join(','),
            subject: /^Subject: (.*)$/m.exec(message)?.[1]?.trim() ?? '',
            text: decodeQuotedPrintable(message),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    smtp = { server, received, raw };
    const stack = await startStack(kind, {
      SMTP_URL: `smtp://subkit:mail-secret@127.0.0.1:${port}`,
      MAIL_FROM: 'Acme <accounts@acme.test>',
    });
    // With SMTP configured there is no outbox to read.
    expect((await request(stack.server.url, 'GET', '/dev/outbox.json')).status).toBe(404);
    return { stack, read: async (to) => received.filter((mail) => mail.to === to) };
  });

  it('sends SMTP mail from MAIL_FROM to the account address', () => {
    const message = smtp?.raw.find((text) => text.includes(VERIFY_SUBJECT));
    expect(message).toMatch(/^From: Acme <accounts@acme\.test>$/m);
    expect(message).toMatch(/^To: \S+@example\.com$/m);
    expect(message).toMatch(/^Content-Type: multipart\/alternative/m);
  });
});

/** Enough of RFC 2045 quoted-printable to read a link that nodemailer wrapped at 76 characters. */
function decodeQuotedPrintable(message: string): string {
  return message
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

describe.each(testDatabaseKinds())('account mail limits on %s', (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(kind, { RATE_LIMIT_MAIL_PER_MIN: '2', RATE_LIMIT_AUTH_PER_MIN: '5' });
  });
  afterAll(() => stack.close());

  const askReset = (email: string) =>
    request(stack.server.url, 'POST', '/api/auth/password-reset', { body: { email } });

  it('limits reset requests per email address, then per client address', async () => {
    const email = uniqueEmail();
    expect((await askReset(email)).status).toBe(200);
    expect((await askReset(email.toUpperCase())).status).toBe(200);
    const third = await askReset(email);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address still has its budget...
    expect((await askReset(uniqueEmail())).status).toBe(200);
    // ...until this client has made the per-address limit of auth calls.
    expect((await askReset(uniqueEmail())).status).toBe(200);
    expect((await askReset(uniqueEmail())).status).toBe(429);
  });
});

describe('the outbox page', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(testDatabaseKinds()[0] ?? 'pglite');
  });
  afterAll(() => stack.close());

  it('lists each mail with its link made clickable', async () => {
    const { email } = await signUp(stack.server.url);
    await expect
      .poll(async () => (await request(stack.server.url, 'GET', '/dev/outbox')).text, { timeout: 10_000 })
      .toContain(email);
    const page = await request(stack.server.url, 'GET', '/dev/outbox');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain(`<h2>${VERIFY_SUBJECT}</h2>`);
    expect(page.text).toMatch(
      new RegExp(
        `<a href="${SEED_ORIGIN}/verify-email\\?token=[\\w-]{43}">${SEED_ORIGIN}/verify-email\\?token=[\\w-]{43}</a>`,
      ),
    );
  });

  it('answers sign-up and reset requests when the SMTP server is down, and logs each mail not sent', async () => {
    const lines: string[] = [];
    const app = await buildTestApp(stack.database, stack.emulator, {
      env: { SMTP_URL: `smtp://127.0.0.1:${await getPort()}`, LOG_LEVEL: 'error' },
      logStream: { write: (line) => lines.push(line) },
    });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const { email } = await signUp(url);
      const reset = await request(url, 'POST', '/api/auth/password-reset', { body: { email } });
      expect(reset.body).toEqual({ success: true, data: { requested: true } });
      const notSent = () =>
        lines.filter((line) => line.includes('an account mail could not be sent')).map((line) => JSON.parse(line));
      await expect.poll(() => notSent().length, { timeout: 15_000 }).toBe(2);
      expect(notSent().map((line) => line.subject)).toEqual(expect.arrayContaining([VERIFY_SUBJECT, RESET_SUBJECT]));
    } finally {
      await app.close();
    }
  });

  it('is not served under NODE_ENV=production, where the server warns at start that mail stays unsent', async () => {
    const lines: string[] = [];
    const app = await buildTestApp(stack.database, stack.emulator, {
      env: { NODE_ENV: 'production', STRIPE_EMULATOR_ALLOW_PRODUCTION: 'true', LOG_LEVEL: 'warn' },
      logStream: { write: (line) => lines.push(line) },
    });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      expect((await request(url, 'GET', '/dev/outbox.json')).status).toBe(404);
      expect((await request(url, 'GET', '/dev/outbox')).status).toBe(404);
      expect(lines.join('\n')).toMatch(/SMTP_URL is unset under NODE_ENV=production/);
    } finally {
      await app.close();
    }
  });
});
