import { type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords stored before the move to argon2id are `scrypt$N$r$p$salt$hash` (base64url, the
 * password NFKC-normalized). They are checked here only so their owners can still sign in; that
 * sign-in replaces the hash with an argon2id one. This module can go once
 * `SELECT count(*) FROM users WHERE password_hash LIKE 'scrypt$%'` answers 0.
 */
export function isLegacyScryptHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}

export async function verifyLegacyScryptHash(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const options: ScryptOptions = { N: Number(n), r: Number(r), p: Number(p) };
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, Buffer.from(salt, 'base64url'), expected.length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
  return timingSafeEqual(actual, expected);
}
