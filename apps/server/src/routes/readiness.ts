import { offerProblems } from '@subkit/billing';
import { pendingMigrations } from '@subkit/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// A probe must answer before the load balancer's own timeout, however slow a dependency is.
const CHECK_TIMEOUT_MS = 2_000;

const checkResult = z.string().meta({ description: '`ok`, or why the check failed', examples: ['ok'] });

export const readinessOutput = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: checkResult, migrations: checkResult, stripe: checkResult, plans: checkResult }),
  })
  .meta({
    examples: [{ status: 'ready', checks: { database: 'ok', migrations: 'ok', stripe: 'ok', plans: 'ok' } }],
  });
export type Readiness = z.infer<typeof readinessOutput>;

class CheckFailed extends Error {}

async function run(name: string, app: FastifyInstance, check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckFailed('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    app.log.warn({ err: error, check: name }, 'readiness check failed');
    return error instanceof CheckFailed ? error.message : 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/** Every configured plan exists in Stripe and can be sold; the message names each bad entry. */
async function checkPlans(app: FastifyInstance): Promise<void> {
  const problems = await offerProblems(app.services);
  if (problems.length > 0) throw new CheckFailed(problems.join('; '));
}

/**
 * GET /api/ready: whether this process should get traffic. Unlike /api/health (the process is up),
 * it asks every dependency: the database answers, every committed migration is applied,
 * Stripe answers a cheap authenticated call, and every price in PLANS is one Stripe can sell.
 * 503 names the check that failed; details go to the log.
 *
 * PLANS is also checked once the server is up, so a typo is in the start-up log by name. That
 * check does not hold the start: Stripe may be briefly unreachable, and /api/ready reports it.
 */
export default async function readiness(app: FastifyInstance) {
  app.addHook('onReady', async () => {
    offerProblems(app.services).then(
      (problems) => {
        for (const problem of problems) app.log.error({ check: 'plans' }, `${problem}: fix PLANS`);
      },
      (error: unknown) => app.log.warn({ err: error, check: 'plans' }, 'could not check PLANS against Stripe'),
    );
  });

  app.get('/api/ready', async (_request, reply) => {
    const { database, stripeConnection } = app;
    const [databaseCheck, migrationsCheck, stripeCheck, plansCheck] = await Promise.all([
      run('database', app, () => database.ping()),
      run('migrations', app, async () => {
        const pending = await pendingMigrations(database.db);
        if (pending.length > 0) throw new CheckFailed(`pending: ${pending.join(', ')}`);
      }),
      run('stripe', app, async () => {
        await stripeConnection.client.prices.list({ limit: 1 }, { timeout: CHECK_TIMEOUT_MS, maxNetworkRetries: 0 });
      }),
      run('plans', app, () => checkPlans(app)),
    ]);
    const checks = { database: databaseCheck, migrations: migrationsCheck, stripe: stripeCheck, plans: plansCheck };
    const ready = Object.values(checks).every((result) => result === 'ok');
    const body: Readiness = { status: ready ? 'ready' : 'not_ready', checks };
    return reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
