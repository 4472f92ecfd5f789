/**
 * `pnpm bench`: Stripe calls and database round trips per checkout, and our overhead over a bare
 * Stripe call, measured side by side in one run. See docs/performance.md for the method.
 *
 * Four processes on 127.0.0.1: this one (autocannon, the load generator), the Stripe emulator, the
 * server under test and the baseline; each has its own event loop and its own RSS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleServer, startFlags } from '@subkit/server/build';
import getPort from 'get-port';
import Stripe from 'stripe';
import { type LoadResult, runLoad } from './load';
import {
  BENCH_DIR,
  cpuMsOf,
  getJson,
  machineCpuMs,
  memoryOf,
  postgresCpuMs,
  postJson,
  REPO_ROOT,
  resetPeakRss,
  startChild,
  stopAll,
} from './processes';
import { type BenchReport, printTable, type ScenarioResult, writeReports } from './report';
import { measureWebBundle } from './web-bundle';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'first-warmup': { type: 'string' },
    connections: { type: 'string' },
    latency: { type: 'string' },
    'in-flight': { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean' },
    'skip-web': { type: 'boolean' },
    'no-write': { type: 'boolean' },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
const env = process.env;
const quick = flags.quick ?? env.BENCH_QUICK === '1';
const durationSec = Number(flags.duration ?? env.BENCH_DURATION ?? (quick ? 3 : 8));
const warmupSec = Number(flags.warmup ?? env.BENCH_WARMUP ?? (quick ? 1 : 2));
// The first measured runs meet freshly started processes: V8 has not optimised their code yet.
const firstWarmupSec = Number(flags['first-warmup'] ?? env.BENCH_FIRST_WARMUP ?? (quick ? 3 : 10));
const connections = Number(flags.connections ?? env.BENCH_CONNECTIONS ?? 50);
const latencies = (flags.latency ?? env.BENCH_LATENCY ?? '0,300').split(',').map(Number);
const inFlightSteps = (flags['in-flight'] ?? env.BENCH_IN_FLIGHT ?? (quick ? '1000' : '250,1000'))
  .split(',')
  .map(Number);
const rounds = Number(flags.rounds ?? env.BENCH_ROUNDS ?? (quick ? 1 : 2));
const databaseUrl = env.DATABASE_URL;
const databaseKind = databaseUrl ? 'postgres' : 'pglite';

const PRICE = 'price_1ABC123XYZ';
const ORIGIN = 'http://127.0.0.1:5173';
const CHECKOUT_BODY = JSON.stringify({
  priceId: PRICE,
  successUrl: `${ORIGIN}/dashboard?checkout=success`,
  cancelUrl: `${ORIGIN}/pricing?checkout=cancelled`,
  metadata: { plan: 'pro', referralCode: 'FRIEND20' },
});

const log = (message: string) => process.stderr.write(`${message}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface ServerStats {
  statements: number;
  byStatement: Record<string, number>;
  responses: Record<string, number>;
  received: number;
  rss: number;
}
interface EmulatorStats {
  requests: number;
  byEndpoint: Record<string, number>;
}

async function main() {
  const started = Date.now();
  const loadAverageAtStart = loadavg().map((value) => Number(value.toFixed(2)));
  const [emulatorPort, serverPort, controlPort, baselinePort] = await Promise.all([
    getPort(),
    getPort(),
    getPort(),
    getPort(),
  ]);
  const pgliteDir = mkdtempSync(join(tmpdir(), 'subkit-bench-'));
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  const baselineUrl = `http://127.0.0.1:${baselinePort}`;

  log(`bench: ${databaseKind}, latency ${latencies.join('/')} ms, ${durationSec}s runs, ${rounds} round(s)`);
  // All three run as `pnpm start` runs the server: compiled, under plain node (no tsx).
  const entries = await bundleServer({
    'bench-emulator': resolve(REPO_ROOT, 'packages/stripe-emulator/src/cli.ts'),
    'bench-server': resolve(BENCH_DIR, 'src/server-process.ts'),
    'bench-baseline': resolve(BENCH_DIR, 'src/baseline-process.ts'),
  });
  const emulator = await startChild('emulator', entries['bench-emulator'], {
    args: ['--port', String(emulatorPort), '--latency', '0'],
    env: { NODE_ENV: 'development' },
    readyLine: /listening on/,
  });
  const info = await getJson<{ secretKey: string; webhookSecret: string }>(`${emulatorUrl}/_emulator/info`);
  // The emulator accepts any sk_test_ key; the server's config wants the shape of a real one.
  info.secretKey = `sk_test_bench${Date.now()}`;
  const stripe = new Stripe(info.secretKey, { host: '127.0.0.1', port: emulatorPort, protocol: 'http' });

  const server = await startChild('server', entries['bench-server'], {
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(serverPort),
      BENCH_CONTROL_PORT: String(controlPort),
      LOG_LEVEL: 'warn',
      STRIPE_SECRET_KEY: info.secretKey,
      STRIPE_API_BASE: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: info.webhookSecret,
      ALLOWED_REDIRECT_ORIGINS: ORIGIN,
      PUBLIC_URL: ORIGIN,
      // The per-IP limits would refuse a load generator on one IP; lifted for the benchmark.
      RATE_LIMIT_AUTH_PER_MIN: '1000000000',
      RATE_LIMIT_CHECKOUT_PER_MIN: '1000000000',
      RATE_LIMIT_STRIPE_PER_MIN: '1000000000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DIR: join(pgliteDir, 'pglite') }),
    },
    execArgv: [
      // The start script's flags; BENCH_SERVER_FLAGS replaces them, to measure others ('' for none).
      ...(env.BENCH_SERVER_FLAGS !== undefined ? env.BENCH_SERVER_FLAGS.split(/\s+/).filter(Boolean) : startFlags()),
      // BENCH_PROFILE_DIR=dir: a V8 CPU profile of the server, written when it stops.
      ...(env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', env.BENCH_PROFILE_DIR] : []),
    ],
    timeoutMs: 120_000,
  });
  const baselineCustomer = await stripe.customers.create({ email: 'baseline@bench.example.com' });
  const baseline = await startChild('baseline', entries['bench-baseline'], {
    env: {
      PORT: String(baselinePort),
      STRIPE_SECRET_KEY: info.secretKey,
      STRIPE_API_BASE: emulatorUrl,
      BASELINE_CUSTOMER: baselineCustomer.id,
      BASELINE_PRICE: PRICE,
      ...(databaseUrl && { BASELINE_DATABASE_URL: databaseUrl }),
    },
  });

  // Users: returning ones sign up through the REST API and check out once (their Stripe customer
  // now exists and its id is in our database); new ones are seeded in bulk and each used once.
  const returningTokens: string[] = [];
  for (let i = 0; i < 20; i++) {
    const signup = await postJson<{ data: { token: string } }>(`${serverUrl}/api/auth/signup`, {
      email: `returning-${i}-${Date.now()}@bench.example.com`,
      password: 'correct horse battery',
    });
    returningTokens.push(signup.data.token);
    await postJson(`${serverUrl}/api/billing/checkout`, JSON.parse(CHECKOUT_BODY), {
      authorization: `Bearer ${signup.data.token}`,
    });
  }
  // Subscriptions for the customer.subscription.updated webhook run: paid checkouts.
  const subscriptionIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { data } = await postJson<{ data: { token: string } }>(`${serverUrl}/api/auth/signup`, {
      email: `subscriber-${i}-${Date.now()}@bench.example.com`,
      password: 'correct horse battery',
    });
    const checkout = await postJson<{ data: { sessionId: string } }>(
      `${serverUrl}/api/billing/checkout`,
      JSON.parse(CHECKOUT_BODY),
      { authorization: `Bearer ${data.token}` },
    );
    const session = await postJson<{ subscription: string }>(
      `${emulatorUrl}/v1/test_helpers/checkout/sessions/${checkout.data.sessionId}/complete`,
      {},
      { authorization: `Bearer ${info.secretKey}` },
    );
    subscriptionIds.push(session.subscription);
  }

  const rotate = (tokens: string[]) => {
    let i = 0;
    return () => ({ headers: { authorization: `Bearer ${tokens[i++ % tokens.length]}` } });
  };
  const seedNewUsers = async (count: number) =>
    (await getJson<{ tokens: string[] }>(`${controlUrl}/seed-users?count=${count}&prefix=new-${Date.now()}`)).tokens;

  let eventCounter = 0;
  const signedEvent = (type: string, object: Record<string, unknown>) => () => {
    eventCounter++;
    const payload = JSON.stringify({
      id: `evt_bench_${process.pid}_${eventCounter}`,
      object: 'event',
      api_version: '2025-03-31.basil',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object },
    });
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: info.webhookSecret });
    return { headers: { 'stripe-signature': signature }, body: payload };
  };
  let subIndex = 0;
  const subscriptionEvent = () => {
    const id = subscriptionIds[subIndex++ % subscriptionIds.length];
    return signedEvent('customer.subscription.updated', { id, object: 'subscription' })();
  };

  interface Scenario {
    name: string;
    target: 'server' | 'baseline';
    path: string;
    /** Checkouts per HTTP request (2 for a tRPC batch of two). */
    perRequest: number;
    kind: 'checkout' | 'webhook';
    prepare?: (budget: number) => Promise<() => { headers?: Record<string, string>; body?: string }>;
    headers?: () => () => { headers?: Record<string, string>; body?: string };
    body?: string;
  }

  const trpcBatchBody = JSON.stringify({ 0: JSON.parse(CHECKOUT_BODY), 1: JSON.parse(CHECKOUT_BODY) });
  const scenarios: Scenario[] = [
    {
      name: 'baseline (bare Stripe call)',
      target: 'baseline',
      path: '/checkout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
    },
    // The floor for any checkout that reads a database (Postgres only: PGlite lives in the server).
    ...(databaseUrl
      ? [
          {
            name: 'floor (Stripe call after one session query)',
            target: 'baseline',
            path: '/checkout-reading-session',
            perRequest: 1,
            kind: 'checkout',
            body: CHECKOUT_BODY,
            headers: () => rotate(returningTokens),
          } satisfies Scenario,
        ]
      : []),
    {
      name: 'REST checkout, returning customer',
      target: 'server',
      path: '/api/billing/checkout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
      headers: () => rotate(returningTokens),
    },
    {
      name: 'REST checkout, new customer',
      target: 'server',
      path: '/api/billing/checkout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
      prepare: async (budget) => {
        const tokens = await seedNewUsers(budget);
        let i = 0;
        return () => ({ headers: { authorization: `Bearer ${tokens[i++] ?? tokens[tokens.length - 1]}` } });
      },
    },
    {
      name: 'tRPC createCheckout (HTTP), returning',
      target: 'server',
      path: '/trpc/billing.createCheckout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
      headers: () => rotate(returningTokens),
    },
    {
      name: 'tRPC batch of 2 createCheckout, returning',
      target: 'server',
      path: '/trpc/billing.createCheckout,billing.createCheckout?batch=1',
      perRequest: 2,
      kind: 'checkout',
      body: trpcBatchBody,
      headers: () => rotate(returningTokens),
    },
    {
      name: 'webhook, unhandled type (customer.created)',
      target: 'server',
      path: '/api/billing/webhook',
      perRequest: 1,
      kind: 'webhook',
      headers: () => signedEvent('customer.created', { id: 'cus_bench', object: 'customer' }),
    },
    {
      name: 'webhook, customer.subscription.updated',
      target: 'server',
      path: '/api/billing/webhook',
      perRequest: 1,
      kind: 'webhook',
      headers: () => subscriptionEvent,
    },
  ];

  // --only 'a|b': the scenarios whose names contain one of these (the baseline always runs).
  const only = flags.only?.split('|').map((part) => part.trim().toLowerCase());
  if (only) {
    const keep = scenarios.filter(
      (s) => s.target === 'baseline' || only.some((part) => s.name.toLowerCase().includes(part)),
    );
    scenarios.splice(0, scenarios.length, ...keep);
  }

  /** Waits until the server has answered everything autocannon sent: no response and no Stripe call for 1 s. */
  async function settle(): Promise<void> {
    let last = '';
    let quiet = 0;
    for (let i = 0; i < 100 && quiet < 4; i++) {
      await sleep(250);
      const [stats, stripeStats] = await Promise.all([
        getJson<ServerStats>(`${controlUrl}/stats`),
        getJson<EmulatorStats>(`${emulatorUrl}/_emulator/stats`),
      ]);
      const now = `${stats.received}/${stats.statements}/${stripeStats.requests}`;
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
  }

  const results: ScenarioResult[] = [];
  let restReturningRps = 200;

  async function runScenario(
    scenario: Scenario,
    latencyMs: number,
    conns: number,
    round: number,
    extra: { rate?: number; label?: string; warmupSec?: number } = {},
  ): Promise<ScenarioResult> {
    const baseUrl = scenario.target === 'server' ? serverUrl : baselineUrl;
    const pid = (scenario.target === 'server' ? server : baseline).pid;
    const expected = Math.ceil(
      (extra.rate ?? (latencyMs > 0 ? Math.min(conns / (latencyMs / 1000), restReturningRps) : restReturningRps)) *
        (durationSec + warmupSec + 2) *
        1.3,
    );
    const budget = Math.min(Math.max(expected, conns * 2, 200), 20_000);
    const perRequest = scenario.prepare ? await scenario.prepare(budget) : scenario.headers?.();
    const load = (seconds: number, maxRequests?: number, rate?: number) =>
      runLoad({
        url: `${baseUrl}${scenario.path}`,
        connections: conns,
        durationSec: seconds,
        ...(scenario.body !== undefined && { body: scenario.body }),
        ...(perRequest && { perRequest }),
        ...(rate !== undefined && { rate }),
        ...(maxRequests !== undefined && { maxRequests }),
      });
    // Warm-up: connections, JIT, caches (the price cache fills on the first checkout). Never
    // paced: a fixed-rate run comes first, and 100 req/s for a few seconds leaves the server's
    // code unoptimised, which its p99 would then measure.
    const warmBudget = scenario.prepare ? Math.floor(budget / 5) : undefined;
    await load(extra.warmupSec ?? warmupSec, warmBudget);
    await settle();
    await Promise.all([
      postJson(`${emulatorUrl}/_emulator/reset-stats`, {}),
      getJson(`${controlUrl}/reset`),
      postJson(`${baselineUrl}/_count/reset`, {}),
    ]);
    resetPeakRss(pid);
    const rssBefore = memoryOf(pid).rss;
    const cpuBefore = {
      target: cpuMsOf(pid),
      emulator: cpuMsOf(emulator.pid),
      loadgen: process.cpuUsage(),
      postgres: databaseUrl ? postgresCpuMs() : 0,
      machine: machineCpuMs(),
    };
    const result: LoadResult = await load(
      durationSec,
      scenario.prepare ? budget - (warmBudget ?? 0) : undefined,
      extra.rate,
    );
    const loadgenCpu = process.cpuUsage(cpuBefore.loadgen);
    const machineAfter = machineCpuMs();
    const cpu = {
      target: cpuMsOf(pid) - cpuBefore.target,
      emulator: cpuMsOf(emulator.pid) - cpuBefore.emulator,
      loadgen: (loadgenCpu.user + loadgenCpu.system) / 1000,
      postgres: databaseUrl ? postgresCpuMs() - cpuBefore.postgres : 0,
      machineBusy: (machineAfter.busy - cpuBefore.machine.busy) / (machineAfter.total - cpuBefore.machine.total),
    };
    await settle();
    const memory = memoryOf(pid);
    const [stripeStats, serverStats, baselineCount] = await Promise.all([
      getJson<EmulatorStats>(`${emulatorUrl}/_emulator/stats`),
      getJson<ServerStats>(`${controlUrl}/stats`),
      getJson<{ received: number }>(`${baselineUrl}/_count`),
    ]);
    // Denominator: requests the server received (including any the load generator abandoned at
    // the end of its run, which still did their work).
    const served = scenario.target === 'server' ? serverStats.received : baselineCount.received;
    const units = served * scenario.perRequest;
    const entry: ScenarioResult = {
      name: extra.label ? `${scenario.name} ${extra.label}` : scenario.name,
      kind: scenario.kind,
      target: scenario.target,
      latencyMs,
      connections: conns,
      ...(extra.rate !== undefined && { rate: extra.rate }),
      round,
      rps: result.rps,
      unitsPerSec: result.rps * scenario.perRequest,
      latency: result.latency,
      ok: result.ok,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      failures: result.failures,
      stripeCallsPerUnit: units ? stripeStats.requests / units : null,
      stripeByEndpoint: stripeStats.byEndpoint,
      dbStatementsPerUnit:
        scenario.target === 'server' && served ? serverStats.statements / served / scenario.perRequest : null,
      dbByStatement: scenario.target === 'server' ? serverStats.byStatement : {},
      responses: scenario.target === 'server' ? serverStats.responses : {},
      rssBefore,
      peakRss: memory.peakRss,
      cpuMsPerUnit: {
        target: units ? cpu.target / units : null,
        emulator: units ? cpu.emulator / units : null,
        loadgen: units ? cpu.loadgen / units : null,
        postgres: units && databaseUrl ? cpu.postgres / units : null,
      },
      machineBusy: cpu.machineBusy,
    };
    log(
      `  ${entry.name} @${latencyMs}ms c=${conns}${extra.rate ? ` rate=${extra.rate}` : ''}: ${entry.rps.toFixed(0)} req/s, ` +
        `p99 ${entry.latency.p99} ms, stripe/unit ${entry.stripeCallsPerUnit?.toFixed(2)}, ` +
        `db/unit ${entry.dbStatementsPerUnit?.toFixed(2) ?? '-'}, peak RSS ${(entry.peakRss / 2 ** 20).toFixed(0)} MB, ` +
        `errors ${entry.non2xx + entry.errors}; CPU ms/unit: ${Object.entries(entry.cpuMsPerUnit)
          .map(([k, v]) => `${k} ${v?.toFixed(2) ?? '-'}`)
          .join(', ')}; machine ${(cpu.machineBusy * 100).toFixed(0)}% busy`,
    );
    if (entry.failures.length) log(`    failures: ${entry.failures.slice(0, 2).join(' | ')}`);
    return entry;
  }

  for (const latencyMs of latencies) {
    await postJson(`${emulatorUrl}/_emulator/latency`, { ms: latencyMs });
    if (latencyMs === 0) {
      // Overhead at a load both can carry: a fixed rate, so latency is not queueing. Run first,
      // while the emulator holds little: it keeps every object it creates, and after the
      // throughput runs its garbage collections pause it for up to ~150 ms, a stall that lands in
      // whichever scenario runs at the time and decides a p99 of 800 requests.
      log(`latency ${latencyMs} ms, fixed rate 100 req/s (latency overhead)`);
      for (let round = 1; round <= rounds; round++) {
        for (const scenario of scenarios.filter(
          (s) => s.target === 'baseline' || s.name.startsWith('REST checkout, returning'),
        )) {
          results.push(
            await runScenario(scenario, latencyMs, 10, round, {
              rate: 100,
              label: '(100 req/s)',
              ...(round === 1 && { warmupSec: firstWarmupSec }),
            }),
          );
        }
      }
      for (let round = 1; round <= rounds; round++) {
        log(`latency ${latencyMs} ms, ${connections} connections, round ${round}/${rounds}`);
        for (const scenario of scenarios) {
          const result = await runScenario(scenario, latencyMs, connections, round);
          if (scenario.name.startsWith('REST checkout, returning')) restReturningRps = Math.max(result.rps, 50);
          results.push(result);
        }
      }
    } else {
      // Realistic Stripe latency: how many checkouts can be in flight at once without errors.
      const heldScenarios = scenarios.filter(
        (s) => s.kind === 'checkout' && !s.name.includes('batch') && !s.name.startsWith('floor'),
      );
      for (const conns of inFlightSteps) {
        log(`latency ${latencyMs} ms, ${conns} checkouts in flight`);
        for (const scenario of heldScenarios) {
          // New customers are capped at 50 in flight: each request uses up one seeded user, and
          // the figure that matters for them (two Stripe calls) does not change with concurrency.
          const isNew = scenario.name.includes('new customer');
          if (isNew && conns !== inFlightSteps[0]) continue;
          results.push(await runScenario(scenario, latencyMs, isNew ? Math.min(conns, 50) : conns, 1));
        }
      }
      // A burst of subscription events (a billing run renews many subscriptions at once), each
      // reading Stripe: shows whether those reads tie up the server's database connections.
      const subscriptionBurst = scenarios.find((s) => s.name === 'webhook, customer.subscription.updated');
      if (subscriptionBurst) {
        log(`latency ${latencyMs} ms, ${connections} subscription events in flight`);
        results.push(await runScenario(subscriptionBurst, latencyMs, connections, 1));
      }
    }
  }

  const web = flags['skip-web'] ? null : await measureWebBundle().catch((error: unknown) => ({ error: String(error) }));
  const report: BenchReport = {
    database: databaseKind,
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtStart: loadAverageAtStart,
    },
    settings: { durationSec, warmupSec, firstWarmupSec, connections, latencies, inFlightSteps, rounds },
    results,
    web,
    runtimeSec: (Date.now() - started) / 1000,
  };
  printTable(report);
  if (flags.out) writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`);
  if (!flags['no-write']) writeReports(report);
  await stopAll();
  rmSync(pgliteDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAll();
    process.exit(1);
  },
);
