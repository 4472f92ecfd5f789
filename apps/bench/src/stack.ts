import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleServer, startFlags } from '@subkit/server/build';
import getPort from 'get-port';
import Stripe from 'stripe';
import { ORIGIN, PRICE } from './fixtures';
import { BENCH_DIR, type Child, getJson, REPO_ROOT, startChild, stopAll } from './processes';
import { type BenchSettings, log } from './settings';

/**
 * The processes under measurement besides this one (autocannon, the load generator), each with
 * its own event loop and RSS: the Stripe emulator, the server under test and the baseline.
 */
export interface BenchStack {
  emulator: Child;
  server: Child;
  baseline: Child;
  emulatorUrl: string;
  serverUrl: string;
  /** The server process's side door: statement and response counts, user seeding. */
  controlUrl: string;
  baselineUrl: string;
  /** A client of the emulator, for fixtures and signing events. */
  stripe: Stripe;
  secretKey: string;
  webhookSecret: string;
  /** Stops every process and removes the PGlite directory and the log. */
  stop(): Promise<void>;
}

export async function startBenchStack(settings: BenchSettings): Promise<BenchStack> {
  const { databaseUrl } = settings;
  const [emulatorPort, serverPort, controlPort, baselinePort] = await Promise.all([
    getPort(),
    getPort(),
    getPort(),
    getPort(),
  ]);
  const pgliteDir = mkdtempSync(join(tmpdir(), 'subkit-bench-'));
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const serverUrl = `http://127.0.0.1:${serverPort}`;

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
  const secretKey = `sk_test_bench${Date.now()}`;
  const stripe = new Stripe(secretKey, { host: '127.0.0.1', port: emulatorPort, protocol: 'http' });

  const env = process.env;
  // Logs on, at the default level, to a file: what `pnpm start` writes in production, where stdout
  // goes to a file or a collector (not to this process, which is the load generator).
  const serverLogPath = join(pgliteDir, 'server.log');
  const serverLog = openSync(serverLogPath, 'w');
  const server = await startChild('server', entries['bench-server'], {
    stdout: serverLog,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(serverPort),
      BENCH_CONTROL_PORT: String(controlPort),
      STRIPE_SECRET_KEY: secretKey,
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
  closeSync(serverLog);
  const baselineCustomer = await stripe.customers.create({ email: 'baseline@bench.example.com' });
  const baseline = await startChild('baseline', entries['bench-baseline'], {
    env: {
      PORT: String(baselinePort),
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_API_BASE: emulatorUrl,
      BASELINE_CUSTOMER: baselineCustomer.id,
      BASELINE_PRICE: PRICE,
      ...(databaseUrl && { BASELINE_DATABASE_URL: databaseUrl }),
    },
  });

  return {
    emulator,
    server,
    baseline,
    emulatorUrl,
    serverUrl,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    baselineUrl: `http://127.0.0.1:${baselinePort}`,
    stripe,
    secretKey,
    webhookSecret: info.webhookSecret,
    stop: async () => {
      await stopAll();
      log(`server log: ${(statSync(serverLogPath).size / 2 ** 20).toFixed(1)} MB`);
      rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}
