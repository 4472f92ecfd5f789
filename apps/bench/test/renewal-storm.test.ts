import { createTestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_STRIPE_READS_PER_RENEWAL, runRenewalStorm, type StormResult } from '../src/renewal-storm';
import { readSettings } from '../src/settings';
import { startBenchStack } from '../src/stack';

/**
 * The renewal storm of `pnpm bench`, shortened for CI: a regression in Stripe reads per renewed
 * subscription, or an event the ledger never processes, fails the build. Counts only, no timing:
 * the figures are the same on an idle machine and a busy one.
 */
const SHORT_STORM = { subscriptions: 200, latencyMs: 20, deliveryConcurrency: 20 };

describe.each(testDatabaseKinds())('renewal storm of %s', (kind) => {
  let storm: StormResult;
  beforeAll(async () => {
    // A Postgres database of its own, as every test file has: in CI all packages test at once on
    // one DATABASE_URL, and another suite's server draining this ledger would apply the storm's
    // events with its own Stripe (found ignored there, our rows never renewed).
    const database = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
    try {
      const settings = readSettings([], database?.url ? { DATABASE_URL: database.url } : {});
      if (!settings) throw new Error('no bench settings');
      const stack = await startBenchStack(settings);
      try {
        storm = await runRenewalStorm(stack, SHORT_STORM);
      } finally {
        await stack.stop();
      }
    } finally {
      await database?.destroy();
    }
  }, 900_000);

  it('renews every subscription, in Stripe and in our database, and loses no event', () => {
    expect(storm.renewed).toBe(SHORT_STORM.subscriptions);
    expect(storm.renewedInDatabase).toBe(SHORT_STORM.subscriptions);
    expect(storm.events).toBeGreaterThanOrEqual(SHORT_STORM.subscriptions * 5);
    expect({ lost: storm.lost, sample: storm.lostSample }).toEqual({ lost: 0, sample: [] });
  });

  it(`reads Stripe at most ${MAX_STRIPE_READS_PER_RENEWAL} time(s) per renewed subscription`, () => {
    // No renewal would make any figure pass.
    expect(storm.renewed).toBe(SHORT_STORM.subscriptions);
    const byEndpoint = JSON.stringify(storm.stripeReadsByEndpoint);
    expect(
      storm.readsPerRenewal,
      `${storm.stripeReads} Stripe reads for ${storm.renewed} renewals: ${byEndpoint}`,
    ).toBeLessThanOrEqual(MAX_STRIPE_READS_PER_RENEWAL);
  });
});
