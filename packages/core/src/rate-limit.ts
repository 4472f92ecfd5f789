import { TRPCError } from '@trpc/server';
import { CORE_ERROR_CODES } from './error-codes';

/** The abuse limits the product enforces; their sizes are configuration, their meaning is here. */
// auth: per client address. checkout: checkouts per user. stripe: per user, every procedure that
// calls Stripe on each call (checkout included), so no account can spend our Stripe rate limit.
// mail: account mails per recipient (an email address or a user), so nobody can flood an inbox.
export type RateLimitBucket = 'auth' | 'checkout' | 'stripe' | 'mail';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts attempts per bucket and key (an IP, a user id). Implemented by the server over a store
 * shared by every process (Redis) or a per-process one, so procedures never know which.
 */
export interface RateLimiter {
  consume(bucket: RateLimitBucket, key: string): Promise<RateLimitDecision>;
}

/**
 * Carried as the cause of a TOO_MANY_REQUESTS or SERVICE_UNAVAILABLE error so transports can send
 * Retry-After; its own cause, if any, is what went wrong (for the log).
 */
export class RetryAfter extends Error {
  constructor(
    readonly seconds: number,
    options?: ErrorOptions,
  ) {
    super(`retry after ${seconds} s`, options);
    this.name = 'RetryAfter';
  }
}

export function tooManyRequests(retryAfterSeconds: number): TRPCError {
  return new TRPCError({
    ...CORE_ERROR_CODES.TOO_MANY_REQUESTS(retryAfterSeconds),
    cause: new RetryAfter(retryAfterSeconds),
  });
}

/** The Retry-After value for an error, when it is a rate-limit refusal or an outage. */
export function retryAfterSeconds(error: unknown): number | undefined {
  return error instanceof TRPCError && error.cause instanceof RetryAfter ? error.cause.seconds : undefined;
}
