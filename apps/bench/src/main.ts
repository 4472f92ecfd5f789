/**
 * `pnpm bench`: Stripe calls and database round trips per checkout, and our overhead over a bare
 * Stripe call, measured side by side in one run; then the renewal storm (./renewal-storm), Stripe
 * reads per renewed subscription. See docs/performance.md for the method.
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
import { runRenewalStorm, STORM_NAME, type StormResult } from './renewal-storm';
import { type BenchReport, describeMachine, printTable, type ScenarioResult, writeReports } from './report';
import { benchScenarios } from './scenarios';
import { type BenchSettings, log, readSettings } from './settings';
import { startBenchStack } from './stack';
import { measureWebBundle } from './web-bundle';

async function bench(settings: BenchSettings) {
  const started = Date.now();
  const loadAverageAtStart = loadavg().map((value) => Number(value.toFixed(2)));
  const { databaseKind, latencies, durationSec, rounds, only } = settings;

  let results: ScenarioResult[] = [];
  let web: BenchReport['web'] = null;
  if (!only || only.some((part) => !STORM_NAME.includes(part))) {
    log(`bench: ${databaseKind}, latency ${latencies.join('/')} ms, ${durationSec}s runs, ${rounds} round(s)`);
    const stack = await startBenchStack(settings);
    const users = await createUsers(stack);
    results = await runPlan(stack, settings, benchScenarios(stack, users, settings));
    web = settings.skipWeb ? null : await measureWebBundle().catch((error: unknown) => ({ error: String(error) }));
    await stack.stop();
  }
  let storm: StormResult | null = null;
  if (!only || only.some((part) => STORM_NAME.includes(part))) {
    const { subscriptions, latencyMs, deliveryConcurrency } = settings.storm;
    log(
      `${STORM_NAME}: ${databaseKind}, ${subscriptions} subscriptions, latency ${latencyMs} ms, ${deliveryConcurrency} deliveries in flight`,
    );
    // A stack of its own: a month on the first one's emulator would also expire every open
    // checkout session the runs above left behind.
    const stack = await startBenchStack(settings);
    storm = await runRenewalStorm(stack, settings.storm);
    await stack.stop();
  }

  const { warmupSec, firstWarmupSec, connections, inFlightSteps } = settings;
  const report: BenchReport = {
    database: databaseKind,
    date: new Date().toISOString(),
    machine: describeMachine(loadAverageAtStart),
    settings: { durationSec, warmupSec, firstWarmupSec, connections, latencies, inFlightSteps, rounds },
    results,
    web,
    storm,
    runtimeSec: (Date.now() - started) / 1000,
  };
  printTable(report);
  if (settings.out) writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
  if (settings.write) writeReports(report);
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
