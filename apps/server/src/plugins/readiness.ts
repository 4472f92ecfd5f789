import { pendingMigrations } from '@subkit/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// A probe must answer before the load balancer's own timeout, however slow a dependency is.
const CHECK_TIMEOUT_MS = 2_000;

const checkResult = z.string().meta({ description: '`ok`, or why the check failed', examples: ['ok'] });

export const readinessOutput = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: checkResult, migrations: checkResult, stripe: checkResult }),
  })
  .meta({
    examples: [{ status: 'ready', checks: { database: 'ok', migrations: 'ok', stripe: 'ok' } }],
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

/**
 * GET /api/ready: whether this process should get traffic. Unlike /api/health (the process is up),
 * it asks every dependency: the database answers, every committed migration is applied, and
 * Stripe answers a cheap authenticated call. 503 names the check that failed; details go to the log.
 */
export default async function readiness(app: FastifyInstance) {
  app.get('/api/ready', async (_request, reply) => {
    const { database, stripeConnection } = app;
    const [databaseCheck, migrationsCheck, stripeCheck] = await Promise.all([
      run('database', app, () => database.ping()),
      run('migrations', app, async () => {
        const pending = await pendingMigrations(database.db);
        if (pending.length > 0) throw new CheckFailed(`pending: ${pending.join(', ')}`);
      }),
      run('stripe', app, async () => {
        await stripeConnection.client.prices.list({ limit: 1 }, { timeout: CHECK_TIMEOUT_MS, maxNetworkRetries: 0 });
      }),
    ]);
    const checks = { database: databaseCheck, migrations: migrationsCheck, stripe: stripeCheck };
    const ready = Object.values(checks).every((result) => result === 'ok');
    const body: Readiness = { status: ready ? 'ready' : 'not_ready', checks };
    return reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
