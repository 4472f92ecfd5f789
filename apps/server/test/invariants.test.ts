import { testDatabaseKinds } from '@subkit/db/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { figures } from './invariants/figures';
import { runModel, runOptionsFromEnv } from './invariants/runner';
import { BillingSystem } from './invariants/system';

const options = runOptionsFromEnv();

describe.each(testDatabaseKinds())(
  'billing invariants under random user, Stripe and operator actions on %s',
  (kind) => {
    let system: BillingSystem;

    beforeAll(async () => {
      system = await BillingSystem.start(kind);
    }, 120_000);
    afterAll(() => system?.close(), 60_000);

    it(
      `hold for ${options.runs} sequences of up to ${options.maxCommands} steps`,
      async () => {
        for (const name of Object.keys(figures) as (keyof typeof figures)[]) figures[name] = 0;
        const started = Date.now();
        let violations = 1;
        try {
          await runModel(system, options);
          violations = 0;
        } finally {
          const seconds = Math.round((Date.now() - started) / 1000);
          console.log(`RELIABILITY invariants ${JSON.stringify({ database: kind, ...figures, violations, seconds })}`);
        }
      },
      // Room for the time limit, a failing sequence's last steps and its report.
      options.timeLimitMs + 120_000,
    );
  },
);
