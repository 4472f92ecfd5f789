import { type LoadResult, runLoad } from './load';
import { cpuMsOf, getJson, machineCpuMs, memoryOf, postgresCpuMs, postJson, resetPeakRss } from './processes';
import { describeResult, type ScenarioResult } from './report';
import type { Scenario } from './scenarios';
import { type BenchSettings, log } from './settings';
import type { BenchStack } from './stack';

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

export interface RunSpec {
  latencyMs: number;
  connections: number;
  round: number;
  /** Requests per second the server sustained for REST checkouts: sizes the fixtures a run may use up. */
  capacityRps: number;
  /** A fixed request rate instead of as fast as the connections go. */
  rate?: number;
  label?: string;
  warmupSec?: number;
}

/** Above what the server answers on this machine, so a warm-up's users outlast its time. */
const WARMUP_RPS_AT_LEAST = 500;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Waits until the server has answered everything autocannon sent: no response and no Stripe call for 1 s. */
async function settle({ controlUrl, emulatorUrl }: BenchStack): Promise<void> {
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

/** One measured run of a scenario: warm-up, counters reset, the run, then what every process spent on it. */
export async function measureScenario(
  stack: BenchStack,
  settings: BenchSettings,
  scenario: Scenario,
  spec: RunSpec,
): Promise<ScenarioResult> {
  const { emulator, emulatorUrl, controlUrl, baselineUrl } = stack;
  const { durationSec, warmupSec, databaseUrl } = settings;
  const { latencyMs, connections: conns, round } = spec;
  const baseUrl = scenario.target === 'server' ? stack.serverUrl : baselineUrl;
  const pid = (scenario.target === 'server' ? stack.server : stack.baseline).pid;
  const warmupSeconds = spec.warmupSec ?? warmupSec;
  const measuredRps =
    spec.rate ?? (latencyMs > 0 ? Math.min(conns / (latencyMs / 1000), spec.capacityRps) : spec.capacityRps);
  const budgetFor = (rps: number, seconds: number) =>
    Math.min(Math.max(Math.ceil(rps * (seconds + 1) * 1.3), conns * 2, 200), 20_000);
  // The warm-up is never paced and must last its whole time whatever the measured run's rate: a
  // fixed-rate run's budget (a few hundred users) would end it within a second and measure the
  // server's code before V8 optimised it, against a baseline warmed at full speed.
  const warmBudget = budgetFor(Math.max(spec.capacityRps, WARMUP_RPS_AT_LEAST), warmupSeconds);
  const budget = budgetFor(measuredRps, durationSec);
  const perRequest = scenario.prepare ? await scenario.prepare(warmBudget + budget) : scenario.headers?.();
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
  await load(warmupSeconds, scenario.prepare ? warmBudget : undefined);
  await settle(stack);
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
  const result: LoadResult = await load(durationSec, scenario.prepare ? budget : undefined, spec.rate);
  const loadgenCpu = process.cpuUsage(cpuBefore.loadgen);
  const machineAfter = machineCpuMs();
  const cpu = {
    target: cpuMsOf(pid) - cpuBefore.target,
    emulator: cpuMsOf(emulator.pid) - cpuBefore.emulator,
    loadgen: (loadgenCpu.user + loadgenCpu.system) / 1000,
    postgres: databaseUrl ? postgresCpuMs() - cpuBefore.postgres : 0,
    machineBusy: (machineAfter.busy - cpuBefore.machine.busy) / (machineAfter.total - cpuBefore.machine.total),
  };
  await settle(stack);
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
    name: spec.label ? `${scenario.name} ${spec.label}` : scenario.name,
    kind: scenario.kind,
    target: scenario.target,
    latencyMs,
    connections: conns,
    ...(spec.rate !== undefined && { rate: spec.rate }),
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
  log(describeResult(entry));
  if (entry.failures.length) log(`    failures: ${entry.failures.slice(0, 2).join(' | ')}`);
  return entry;
}
