import { once } from 'node:events';
import type { RateLimitBucket, RateLimitDecision, RateLimiter } from '@subkit/core';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimiterOptions {
  /** Shared store: with it the limits hold across every server process. */
  redisUrl: string | undefined;
  perMinute: Record<RateLimitBucket, number>;
}

export interface ClosableRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

/**
 * Fixed one-minute windows per bucket and key, in Redis when configured, else in this process.
 * A Redis outage must not take checkout down with it, so each Redis limiter is insured by an
 * in-memory one that takes over until Redis answers again.
 */
export async function createRateLimiter({ redisUrl, perMinute }: RateLimiterOptions): Promise<ClosableRateLimiter> {
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
      const options = { keyPrefix: `subkit:rl:${bucket}`, points: perMinute[bucket], duration: 60 };
      const memory = new RateLimiterMemory(options);
      const limiter = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
        : memory;
      return [bucket, limiter];
    }),
  ) as Record<RateLimitBucket, RateLimiterMemory | RateLimiterRedis>;

  return {
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
