import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/password';
import { signInInput, signUpInput } from '../src/schemas';
import { generateSessionToken, hashSessionToken, isWellFormedToken } from '../src/tokens';

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery!', stored)).toBe(false);
  });

  it('salts every hash, so equal passwords do not look equal at rest', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
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

  it('lets sign-in through with a short password, to be refused as wrong (401) rather than invalid', () => {
    expect(signInInput.safeParse({ email: 'ann@example.com', password: 'short' }).success).toBe(true);
  });
});
