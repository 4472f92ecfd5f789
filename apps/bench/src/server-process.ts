/**
 * The server under test, in a process of its own: `buildApp` from @subkit/server with the config
 * read from the environment exactly as apps/server/src/main.ts reads it. Two additions, both outside
 * the app and only here:
 * - the database handle is created with `onQuery`, so every statement (BEGIN/COMMIT included) is
 *   counted: database round trips per request;
 * - a control server on BENCH_CONTROL_PORT (another port, so the app's routes are untouched) that
 *   reads and resets that count, seeds users with sessions for the new- and returning-customer
 *   scenarios (returning: with a Stripe customer of their own on the emulator, and no checkout yet),
 *   and reads the webhook ledger and subscription rows for the renewal storm (./renewal-storm).
 * The app logs as under `pnpm start` (the production logger, at LOG_LEVEL's default), to the file
 * the benchmark gives it as stdout.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { hashSessionToken, SESSION_TTL_MS } from '@subkit/auth';
import { createStripeClient } from '@subkit/billing';
import { createDatabase, sessions, stripeEvents, subscriptions, users } from '@subkit/db';
import { buildApp, loadConfig } from '@subkit/server';
import { and, gt, inArray } from 'drizzle-orm';

const config = loadConfig();
let statements = 0;
const byStatement = new Map<string, number>();
const database = await createDatabase({
  url: config.database.url,
  pgliteDataDir: resolve(config.database.pgliteDir),
  // Counted by the raw text and shortened only when read: the hook runs inside the measured work.
  onQuery: (statement) => {
    statements++;
    byStatement.set(statement, (byStatement.get(statement) ?? 0) + 1);
  },
});
const app = await buildApp({ config, database });
// Responses by route and status, to check every counted request succeeded.
const responses = new Map<string, number>();
// Requests received: the denominator. A request the load generator abandons when its run ends
// still does its Stripe and database work, but may never reach onResponse.
let received = 0;
app.addHook('onRequest', async () => {
  received++;
});
app.addHook('onResponse', async (request, reply) => {
  const key = `${request.method} ${request.routeOptions.url ?? request.url} ${reply.statusCode}`;
  responses.set(key, (responses.get(key) ?? 0) + 1);
});
await app.listen({ host: config.host, port: config.port });

// Seeded users never sign in, so their password hash only has to look like one (argon2id's PHC
// string, base64 unpadded): a legacy scrypt shape would count among the hashes still to migrate.
const unpaddedBase64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');
const UNUSABLE_HASH = `$argon2id$v=19$m=19456,t=2,p=1$${unpaddedBase64(16)}$${unpaddedBase64(32)}`;

// The bench's own client of the emulator, for the returning users' customers (not the app's).
const stripe = createStripeClient({
  secretKey: process.env.STRIPE_SECRET_KEY ?? '',
  apiBase: process.env.STRIPE_API_BASE,
});

/** Customers for `size` users, made 50 at a time. */
async function createCustomers(size: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < size; start += 50) {
    const batch = Array.from({ length: Math.min(50, size - start) }, (_, i) =>
      stripe.customers.create({ email: `${prefix}-${start + i}@bench.example.com` }).then((customer) => customer.id),
    );
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

/** `withCustomers`: returning customers, each with a Stripe customer already linked. */
async function seedUsers(count: number, prefix: string, withCustomers: boolean): Promise<string[]> {
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    const customers = withCustomers ? await createCustomers(size, `${prefix}-${start}`) : [];
    const rows = await database.db
      .insert(users)
      .values(
        Array.from({ length: size }, (_, i) => ({
          email: `${prefix}-${start + i}@bench.example.com`,
          passwordHash: UNUSABLE_HASH,
          stripeCustomerId: customers[i] ?? null,
        })),
      )
      .returning({ id: users.id });
    const batch = rows.map((row) => ({ token: randomBytes(32).toString('base64url'), userId: row.id }));
    await database.db.insert(sessions).values(
      batch.map(({ token, userId }) => ({
        id: hashSessionToken(token),
        userId,
        expiresAt: new Date(Date.now() + SESSION_TTL_MS),
      })),
    );
    tokens.push(...batch.map((entry) => entry.token));
  }
  return tokens;
}

/** Ids per query: well under both drivers' limits on bound parameters. */
const ID_CHUNK = 1000;

async function inChunks<T>(ids: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < ids.length; start += ID_CHUNK)
    rows.push(...(await read(ids.slice(start, start + ID_CHUNK))));
  return rows;
}

/**
 * Where these events stand in the webhook ledger: when each was first received and, once
 * processed, when (both written by the database, so they hold whether the webhook applies an
 * event before it answers or a worker drains it later).
 */
async function ledgerOf(ids: string[]) {
  const rows = await inChunks(ids, (chunk) =>
    database.db
      .select({ id: stripeEvents.id, receivedAt: stripeEvents.receivedAt, processedAt: stripeEvents.processedAt })
      .from(stripeEvents)
      .where(inArray(stripeEvents.id, chunk)),
  );
  return rows.map((row) => ({
    id: row.id,
    receivedAt: row.receivedAt.getTime(),
    processedAt: row.processedAt?.getTime() ?? null,
  }));
}

/** How many of these subscriptions our database holds with a period ending after `after`. */
async function subscriptionsEndingAfter(ids: string[], after: Date): Promise<number> {
  const rows = await inChunks(ids, (chunk) =>
    database.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(inArray(subscriptions.id, chunk), gt(subscriptions.currentPeriodEnd, after))),
  );
  return rows.length;
}

const readBody = (request: IncomingMessage) =>
  new Promise<unknown>((done, fail) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      try {
        done(JSON.parse(body));
      } catch (error) {
        fail(error);
      }
    });
    request.on('error', fail);
  });

function shortened(counts: Map<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [statement, count] of counts) {
    const key = statement.replace(/\s+/g, ' ').slice(0, 80);
    result[key] = (result[key] ?? 0) + count;
  }
  return result;
}

const control = createServer((request, response) => {
  const send = (body: unknown) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const fail = (error: unknown) => {
    response.writeHead(500);
    response.end(String(error));
  };
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/stats') {
    send({
      statements,
      byStatement: shortened(byStatement),
      responses: Object.fromEntries(responses),
      received,
      rss: process.memoryUsage.rss(),
      database: database.kind,
    });
  } else if (url.pathname === '/reset') {
    statements = 0;
    byStatement.clear();
    responses.clear();
    received = 0;
    send({ ok: true });
  } else if (url.pathname === '/seed-users') {
    const count = Number(url.searchParams.get('count') ?? '0');
    seedUsers(count, url.searchParams.get('prefix') ?? `u${Date.now()}`, url.searchParams.has('customers')).then(
      (tokens) => send({ tokens }),
      fail,
    );
  } else if (url.pathname === '/ledger' && request.method === 'POST') {
    readBody(request)
      .then((body) => ledgerOf((body as { ids: string[] }).ids))
      .then((events) => send({ events }), fail);
  } else if (url.pathname === '/subscriptions/renewed' && request.method === 'POST') {
    readBody(request)
      .then((body) => {
        const { ids, periodEndAfter } = body as { ids: string[]; periodEndAfter: number };
        return subscriptionsEndingAfter(ids, new Date(periodEndAfter * 1000));
      })
      .then((count) => send({ count }), fail);
  } else {
    response.writeHead(404);
    response.end();
  }
});
control.listen(Number(process.env.BENCH_CONTROL_PORT), '127.0.0.1', () => {
  process.send?.({ ready: true });
});

const stop = async () => {
  control.close();
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
