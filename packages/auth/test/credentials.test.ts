import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CODES } from '../src/error-codes';
import {
  ARGON2_CONCURRENCY,
  argon2Slots,
  decoyPasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../src/password';
import { signInInput, signUpInput } from '../src/schemas';
import { generateSessionToken, hashSessionToken, isWellFormedToken } from '../src/tokens';

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery!', stored)).toBe(false);
  });

  it('hashes with argon2id at OWASP parameters, salting every hash so equal passwords differ at rest', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[\w+/]{22}\$[\w+/]{43}$/);
    expect(needsRehash(a)).toBe(false);
  });

  it('still verifies a scrypt hash made before argon2id, and marks it for rehashing', async () => {
    expect(await verifyPassword('correct horse battery', SCRYPT_HASH_FROM_BEFORE_ARGON2)).toBe(true);
    expect(await verifyPassword('correct horse battery!', SCRYPT_HASH_FROM_BEFORE_ARGON2)).toBe(false);
    expect(needsRehash(SCRYPT_HASH_FROM_BEFORE_ARGON2)).toBe(true);
  });

  it('verifies an argon2 hash made at other parameters, and marks it for rehashing', async () => {
    const weaker = await hash('correct horse battery', { memoryCost: 8192, timeCost: 2, parallelism: 1 });
    expect(await verifyPassword('correct horse battery', weaker)).toBe(true);
    expect(needsRehash(weaker)).toBe(true);
    const moreTime = await hash('correct horse battery', { memoryCost: 19_456, timeCost: 3, parallelism: 1 });
    expect(needsRehash(moreTime)).toBe(true);
  });

  it(`hashes at most ${ARGON2_CONCURRENCY} passwords at once and queues the rest, bounding memory`, async () => {
    await decoyPasswordHash; // made at import: it must not hold a slot during the count
    const burst = Array.from({ length: ARGON2_CONCURRENCY * 3 }, () => hashPassword('burst password'));
    await Promise.resolve();
    expect([argon2Slots.activeCount, argon2Slots.pendingCount]).toEqual([ARGON2_CONCURRENCY, ARGON2_CONCURRENCY * 2]);
    await Promise.all(burst);
    expect([argon2Slots.activeCount, argon2Slots.pendingCount]).toEqual([0, 0]);
  });

  it('treats unicode forms of one password as the same password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('refuses a stored value it does not understand', async () => {
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
    expect(await verifyPassword('anything', '')).toBe(false);
  });
});

// Made by this package's hashPassword before the move to argon2id (scrypt N=2^14, r=8, p=1).
const SCRYPT_HASH_FROM_BEFORE_ARGON2 =
  'scrypt$16384$8$1$dmq1LO9ij3r0TtVJHLu4Cg$ttsKyoYI499425aPSvE85obp9rm0qsPed3t8-gJo2rW9SWqXdQ_SY6QuMoOv-N2g0Jp6FtbhdGlnHslxjTFOGA';

describe('session tokens', () => {
  it('are 32 random bytes in base64url, stored only as their SHA-256', () => {
    const token = generateSessionToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(isWellFormedToken(token)).toBe(true);
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
    expect(generateSessionToken()).not.toBe(token);
  });

  it('refuses shapes that were never issued', () => {
    expect(isWellFormedToken('short')).toBe(false);
    expect(isWellFormedToken(`${'a'.repeat(42)}=`)).toBe(false);
  });
});

describe('credential schemas', () => {
  it('normalizes the email and enforces the sign-up rules', () => {
    expect(signUpInput.parse({ email: '  Ann@Example.COM ', password: 'long enough' }).email).toBe('ann@example.com');
    const short = signUpInput.safeParse({ email: 'ann@example.com', password: 'short' });
    expect(short.error?.issues[0]?.message).toBe('password must be at least 8 characters');
  });

  it.each([
    ['12345678', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    ['password', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    ['  PassWord1 ', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    // Ranked past 10,000th and 40,000th in the shipped list.
    ['25021983', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    ['123456789zz', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    [' '.repeat(8), 'password cannot be only spaces'],
    ['\t \u00a0\n\t \u3000\t', 'password cannot be only spaces'],
    ['x'.repeat(201), AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message],
  ])('refuses %j at sign-up', (password, message) => {
    const result = signUpInput.safeParse({ email: 'ann@example.com', password });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it.each(['correct horse battery', ' leading and trailing spaces ', 'x'.repeat(64), 'y'.repeat(200)])(
    'accepts %j at sign-up',
    (password) => {
      expect(signUpInput.safeParse({ email: 'ann@example.com', password }).success).toBe(true);
    },
  );

  it('lets a common password through sign-in: an existing account is not locked out by the list', () => {
    expect(signInInput.safeParse({ email: 'ann@example.com', password: 'password' }).success).toBe(true);
  });

  it('lets sign-in through with a short password, to be refused as wrong (401) rather than invalid', () => {
    expect(signInInput.safeParse({ email: 'ann@example.com', password: 'short' }).success).toBe(true);
  });
});
