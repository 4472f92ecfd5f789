import { parseArgs } from 'node:util';
import type { StormSettings } from './renewal-storm';

const USAGE = `Usage: pnpm bench [options]

  --quick                 Shorter runs, one round, one in-flight step (BENCH_QUICK=1)
  --duration <s>          Seconds of each measured run (BENCH_DURATION; default 8, quick 3)
  --warmup <s>            Seconds of warm-up before each run (BENCH_WARMUP; default 2, quick 1)
  --first-warmup <s>      Warm-up before each process's first measured run (BENCH_FIRST_WARMUP; default 10, quick 3)
  --connections <n>       Connections of the throughput runs (BENCH_CONNECTIONS; default 50)
  --latency <ms,ms>       Stripe latencies to measure at (BENCH_LATENCY; default 0,300)
  --in-flight <n,n>       Checkouts in flight at a non-zero latency (BENCH_IN_FLIGHT; default 250,1000; quick 1000)
  --rounds <n>            Rounds of the zero-latency runs (BENCH_ROUNDS; default 2, quick 1)
  --storm-subscriptions <n>  Subscriptions renewed at once in the renewal storm (BENCH_STORM_SUBSCRIPTIONS; default 2000)
  --storm-latency <ms>    Stripe latency during the storm (BENCH_STORM_LATENCY; default 300)
  --storm-concurrency <n> Webhook deliveries in flight during the storm (BENCH_STORM_CONCURRENCY; default 50)
  --only 'a|b'            Only the scenarios whose names contain one of these (the baseline always runs
                          with any checkout scenario; --only storm runs the renewal storm alone)
  --skip-web              Do not build and measure the web bundle
  --no-write              Do not rewrite docs/performance.md and docs/performance.json
  --out <file.json>       Also write the whole report as JSON
  --help                  Show this help

DATABASE_URL set: the server uses that Postgres; unset: PGlite. BENCH_SERVER_FLAGS replaces the
server's node flags (those of the start script); BENCH_PROFILE_DIR=dir writes its CPU profile there.`;

/** How the runs are sized; the report keeps them next to the figures. */
export interface RunSettings {
  durationSec: number;
  warmupSec: number;
  /**
   * The warm-up before each process's first measured run (the fixed-rate one): those runs meet
   * freshly started processes, whose code V8 has not optimised yet.
   */
  firstWarmupSec: number;
  connections: number;
  latencies: number[];
  inFlightSteps: number[];
  rounds: number;
}

/** What one `pnpm bench` measures, from its flags, else BENCH_* variables, else the defaults. */
export interface BenchSettings extends RunSettings {
  databaseUrl: string | undefined;
  databaseKind: 'postgres' | 'pglite';
  /** `--only 'a|b'`, lower-cased. */
  only: string[] | undefined;
  skipWeb: boolean;
  write: boolean;
  out: string | undefined;
  storm: StormSettings;
}

export const log = (message: string) => process.stderr.write(`${message}\n`);

/** The settings, or null when `--help` asked for the usage (printed here). */
export function readSettings(argv: string[], env: NodeJS.ProcessEnv): BenchSettings | null {
  const { values: flags } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
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
      'storm-subscriptions': { type: 'string' },
      'storm-latency': { type: 'string' },
      'storm-concurrency': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return null;
  }
  const quick = flags.quick ?? env.BENCH_QUICK === '1';
  const databaseUrl = env.DATABASE_URL;
  return {
    durationSec: Number(flags.duration ?? env.BENCH_DURATION ?? (quick ? 3 : 8)),
    warmupSec: Number(flags.warmup ?? env.BENCH_WARMUP ?? (quick ? 1 : 2)),
    firstWarmupSec: Number(flags['first-warmup'] ?? env.BENCH_FIRST_WARMUP ?? (quick ? 3 : 10)),
    connections: Number(flags.connections ?? env.BENCH_CONNECTIONS ?? 50),
    latencies: (flags.latency ?? env.BENCH_LATENCY ?? '0,300').split(',').map(Number),
    inFlightSteps: (flags['in-flight'] ?? env.BENCH_IN_FLIGHT ?? (quick ? '1000' : '250,1000')).split(',').map(Number),
    rounds: Number(flags.rounds ?? env.BENCH_ROUNDS ?? (quick ? 1 : 2)),
    databaseUrl,
    databaseKind: databaseUrl ? 'postgres' : 'pglite',
    only: flags.only?.split('|').map((part) => part.trim().toLowerCase()),
    skipWeb: flags['skip-web'] ?? false,
    write: !flags['no-write'],
    out: flags.out,
    storm: {
      subscriptions: Number(flags['storm-subscriptions'] ?? env.BENCH_STORM_SUBSCRIPTIONS ?? 2000),
      latencyMs: Number(flags['storm-latency'] ?? env.BENCH_STORM_LATENCY ?? 300),
      deliveryConcurrency: Number(flags['storm-concurrency'] ?? env.BENCH_STORM_CONCURRENCY ?? 50),
    },
  };
}
