/**
 * STRIPE_READS_PER_SEC, the webhook drain's budget of Stripe reads, built by the factory the
 * server uses. What is checked is the limiter's own count of each one-second window (the points
 * left that each granted take reports, and the window's consumed points in Redis), never the clock.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClosableRateLimiter, createRateLimiter } from '../src/rate-limiter';

const READS_PER_SECOND = 5;
const PER_MINUTE = { auth: 100, checkout: 100, stripe: 100, mail: 100 };

const ACCOUNT = 'acct_budget_test';

/** A budget as one server process builds it; `keyPrefix` keeps this run's counts apart in a shared Redis. */
function budget(redisUrl: string | undefined, keyPrefix: string, stripeAccount = ACCOUNT) {
  return createRateLimiter({
    redisUrl,
    perMinute: PER_MINUTE,
    stripeReadsPerSecond: READS_PER_SECOND,
    stripeAccount,
    keyPrefix,
  });
}

/** Takes `count` reads at once; what each grant reports as left in its window, lowest first. */
async function take(limiter: ClosableRateLimiter, count: number): Promise<number[]> {
  const left = await Promise.all(Array.from({ length: count }, () => limiter.stripeReads.take()));
  return left.toSorted((a, b) => a - b);
}

const everyPoint = Array.from({ length: READS_PER_SECOND }, (_, point) => point);

describe('the Stripe read budget of one process', () => {
  const limiters: ClosableRateLimiter[] = [];
  afterAll(() => Promise.all(limiters.map((limiter) => limiter.close())));

  it('grants STRIPE_READS_PER_SEC reads in a window and holds the next one for a window of its own', async () => {
    const limiter = await budget(undefined, `test-${randomUUID()}`);
    limiters.push(limiter);
    // One window, used up: the grants left 4, 3, … 0 points.
    expect(await take(limiter, READS_PER_SECOND)).toEqual(everyPoint);
    // The next read waited for the next window and was its first.
    expect(await take(limiter, 1)).toEqual([READS_PER_SECOND - 1]);
  });
});

const redisUrl = process.env.REDIS_URL;
// Only with a Redis to share (CI sets REDIS_URL when one answers): the point is two processes, one budget.
if (redisUrl) {
  describe('the Stripe read budget shared through Redis', () => {
    const keyPrefix = `test-${randomUUID()}`;
    const limiters: ClosableRateLimiter[] = [];
    const redis = new Redis(redisUrl);
    afterAll(async () => {
      await Promise.all(limiters.map((limiter) => limiter.close()));
      const keys = await redis.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it('refuses a second process’s reads in the window the first process used up, and grants them after it', async () => {
      const [first, second] = await Promise.all([budget(redisUrl, keyPrefix), budget(redisUrl, keyPrefix)]);
      limiters.push(first, second);
      // The window as Redis holds it, read through the library under the names the budget uses.
      const window = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}:stripe-reads:${ACCOUNT}`,
        points: READS_PER_SECOND,
        duration: 1,
      });

      // The first process uses up one window: its grants left 4, 3, … 0 points.
      expect(await take(first, READS_PER_SECOND)).toEqual(everyPoint);
      // That window is in Redis (1: found). Held open for 10 s rather than 1, so a busy machine cannot
      // let it pass before the second process asks: the outcome depends on the count alone, not on timing.
      expect(await redis.pexpire(window.getKey('limiter'), 10_000)).toBe(1);

      // A process reading another Stripe account is not held by it: Stripe's limit is per account.
      const otherAccount = await budget(redisUrl, keyPrefix, 'acct_other');
      limiters.push(otherAccount);
      expect(await take(otherAccount, READS_PER_SECOND)).toEqual(everyPoint);

      let granted = 0;
      const secondReads = Promise.all(
        Array.from({ length: READS_PER_SECOND }, () => second.stripeReads.take().then(() => granted++)),
      );
      // The second process asked in the same window and was refused: each attempt is counted there.
      await expect
        .poll(async () => (await window.get('limiter'))?.consumedPoints, { timeout: 8_000, interval: 50 })
        .toBe(2 * READS_PER_SECOND);
      expect(granted).toBe(0);

      // The window ends; the second process's queue then gets its reads in the next one(s).
      await redis.del(window.getKey('limiter'));
      await secondReads;
      expect(granted).toBe(READS_PER_SECOND);
    }, 60_000);
  });
}
