import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { BILLING_ERROR_CODES } from '../error-codes';

// Stripe's own rule for Idempotency-Key, so a key we accept is one Stripe would too.
const KEY_SHAPE = /^[\x21-\x7E]{1,255}$/;

export function assertIdempotencyKeyShape(key: string): void {
  if (!KEY_SHAPE.test(key)) throw new TRPCError(BILLING_ERROR_CODES.IDEMPOTENCY_KEY_INVALID);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The same request body, whatever the order of its keys, hashes the same. */
export const requestHash = (input: unknown) => sha256(canonicalJson(input ?? null));
