import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';
import { isLegacyScryptHash, verifyLegacyScryptHash } from './legacy-scrypt';

// The package declares `Algorithm` as a const enum, which verbatimModuleSyntax cannot read: its
// member's value, held to that member by the type.
const ARGON2ID_ALGORITHM: Algorithm.Argon2id = 2;

/**
 * argon2id at the first configuration of the OWASP Password Storage Cheat Sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id):
 * m=19456 KiB (19 MiB), t=2, p=1. Raise them here: stored hashes carry their own parameters, and
 * a sign-in with a hash made at other parameters rehashes it at these.
 */
const ARGON2ID = { algorithm: ARGON2ID_ALGORITHM, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Each hash holds its 19 MiB for as long as it runs. Hashing is CPU-bound, so running more at
 * once than there are cores adds memory, not throughput: a burst of sign-ins queues here (a
 * queued call holds no hashing memory) instead of in libuv's 4-thread pool, which file and DNS
 * work share. Peak hashing memory per process is ARGON2_CONCURRENCY × 19 MiB.
 */
export const ARGON2_CONCURRENCY = Math.min(availableParallelism(), 3);
export const argon2Slots = pLimit(ARGON2_CONCURRENCY);

// One password, one byte sequence: composed and decomposed forms of "é" must match (NIST 800-63B 5.1.1.2).
const normalize = (password: string) => password.normalize('NFKC');

/** A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`. */
export function hashPassword(password: string): Promise<string> {
  return argon2Slots(() => hash(normalize(password), ARGON2ID));
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isLegacyScryptHash(stored)) return verifyLegacyScryptHash(normalize(password), stored);
  if (!stored.startsWith('$argon2id$')) return Promise.resolve(false);
  return argon2Slots(() => verify(stored, normalize(password)));
}

/** True for a hash not made by `hashPassword` as it is configured now: legacy scrypt, or other argon2 parameters. */
export function needsRehash(stored: string): boolean {
  if (isLegacyScryptHash(stored)) return true;
  const { algorithm, memoryCost, timeCost, parallelism } = parseOptions(stored);
  return (
    algorithm !== ARGON2ID.algorithm ||
    memoryCost !== ARGON2ID.memoryCost ||
    timeCost !== ARGON2ID.timeCost ||
    parallelism !== ARGON2ID.parallelism
  );
}

/**
 * A real hash of a random password at the current parameters, checked when the email is unknown
 * so that a failed sign-in costs the same time whether or not the account exists.
 */
export const decoyPasswordHash: Promise<string> = hashPassword(randomBytes(16).toString('hex'));
