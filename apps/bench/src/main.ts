/**
 * `pnpm bench`: Stripe calls and database round trips per checkout, and our overhead over a bare
 * Stripe call, measured side by side in one run. See docs/performance.md for the method.
 *
 * Four processes on 127.0.0.1: this one (autocannon, the load generator), the Stripe emulator, the
 * server under test and the baseline; each has its own event loop and its own RSS (./stack). This
 * file only strings the steps together: settings, processes, fixtures, scenarios, the run plan
 * (./plan, ./measure) and the report (./report).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createUsers } from './fixtures';
import { runPlan } from './plan';
import { stopAll } from './processes';
import { type BenchReport, describeMachine, printTable, writeReports } from './report';
import { benchScenarios } from './scenarios';
import { type BenchSettings, log, readSettings } from './settings';
import { startBenchStack } from './stack';
import { measureWebBundle } from './web-bundle';

async function bench(settings: BenchSettings) {
  const started = Date.now();
  const loadAverageAtStart = loadavg().map((value) => Number(value.toFixed(2)));
  const { databaseKind, latencies, durationSec, rounds } = settings;
  log(`bench: ${databaseKind}, latency ${latencies.join('/')} ms, ${durationSec}s runs, ${rounds} round(s)`);

  const stack = await startBenchStack(settings);
  const users = await createUsers(stack);
  const results = await runPlan(stack, settings, benchScenarios(stack, users, settings));

  const web = settings.skipWeb ? null : await measureWebBundle().catch((error: unknown) => ({ error: String(error) }));
  const { warmupSec, firstWarmupSec, connections, inFlightSteps } = settings;
  const report: BenchReport = {
    database: databaseKind,
    date: new Date().toISOString(),
    machine: describeMachine(loadAverageAtStart),
    settings: { durationSec, warmupSec, firstWarmupSec, connections, latencies, inFlightSteps, rounds },
    results,
    web,
    runtimeSec: (Date.now() - started) / 1000,
  };
  printTable(report);
  if (settings.out) writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
  if (settings.write) writeReports(report);
  await stack.stop();
}

async function main() {
  const settings = readSettings(process.argv.slice(2), process.env);
  if (settings) await bench(settings);
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAll();
    process.exit(1);
  },
);
