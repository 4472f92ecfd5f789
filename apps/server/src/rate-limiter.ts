import { once } from 'node:events';
import type { StripeReadBudget } from '@subkit/billing';
import type { RateLimitBucket, RateLimitDecision, RateLimiter } from '@subkit/core';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimiterOptions {
  /** Shared store: with it the limits hold across every server process. */
  redisUrl: string | undefined;
  perMinute: Record<RateLimitBucket, number>;
  /** The webhook drain's Stripe reads per second, for the whole fleet when Redis is configured. */
  stripeReadsPerSecond: number;
  /** The Stripe account the reads go to (`stripeAccountOf`): the read budget is per account, as Stripe's limit is. */
  stripeAccount: string;
  /**
   * What every key in Redis starts with ("subkit" unless given): processes that pass the same one
   * share their limits. Tests give each run its own, so runs on one Redis never count together.
   */
  keyPrefix?: string;
}

/** Waits for a Stripe read to fit STRIPE_READS_PER_SEC; checkouts never pass through it. */
export interface CountedStripeReadBudget extends StripeReadBudget {
  /** Resolves with the reads left in the one-second window it was granted in (the limiter's own count). */
  take(): Promise<number>;
}

export interface ClosableRateLimiter extends RateLimiter {
  stripeReads: CountedStripeReadBudget;
  close(): Promise<void>;
}

/**
 * Fixed one-minute windows per bucket and key, in Redis when configured, else in this process.
 * A Redis outage must not take checkout down with it, so each Redis limiter is insured by an
 * in-memory one that takes over until Redis answers again.
 */
export async function createRateLimiter({
  redisUrl,
  perMinute,
  stripeReadsPerSecond,
  stripeAccount,
  keyPrefix = 'subkit',
}: RateLimiterOptions): Promise<ClosableRateLimiter> {
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on('error', () => {
    // ioredis reconnects on its own; the insurance limiter covers the gap, so nothing to do here.
  });
  // Until Redis is connected every count would go to this process's insurance limiter, so the
  // limit would not be shared: wait for the connection (briefly; a Redis outage must not block start-up).
  if (redis) {
    const gaveUp = new Promise((resolve) => setTimeout(resolve, 3_000).unref());
    await Promise.race([once(redis, 'ready').catch(() => {}), gaveUp]);
  }

  const limiters = Object.fromEntries(
    (Object.keys(perMinute) as RateLimitBucket[]).map((bucket) => {
      const options = { keyPrefix: `${keyPrefix}:rl:${bucket}`, points: perMinute[bucket], duration: 60 };
      const memory = new RateLimiterMemory(options);
      const limiter = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
        : memory;
      return [bucket, limiter];
    }),
  ) as Record<RateLimitBucket, RateLimiterMemory | RateLimiterRedis>;

  // One-second windows; the library's queue holds each read until its window has room (FIFO).
  const readOptions = {
    keyPrefix: `${keyPrefix}:stripe-reads:${stripeAccount}`,
    points: stripeReadsPerSecond,
    duration: 1,
  };
  const readMemory = new RateLimiterMemory(readOptions);
  const readLimiter = redis
    ? new RateLimiterRedis({ ...readOptions, storeClient: redis, insuranceLimiter: readMemory })
    : readMemory;
  const readQueue = new RateLimiterQueue(readLimiter);

  return {
    stripeReads: {
      take: () => readQueue.removeTokens(1),
    },
    async consume(bucket, key): Promise<RateLimitDecision> {
      try {
        await limiters[bucket].consume(key);
        return { allowed: true };
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      }
    },
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
