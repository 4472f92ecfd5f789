import { createHash, randomBytes } from 'node:crypto';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** 32 random bytes, base64url: the only copy lives with the client. */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores and looks up: a stolen table yields no usable token. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Tokens that could never have been issued are refused without a database round trip. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
