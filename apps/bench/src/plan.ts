import { measureScenario } from './measure';
import { postJson } from './processes';
import type { ScenarioResult } from './report';
import type { Scenario } from './scenarios';
import { type BenchSettings, log } from './settings';
import type { BenchStack } from './stack';

/** The runs of one benchmark, at each Stripe latency in turn, in the order docs/performance.md explains. */
export async function runPlan(stack: BenchStack, settings: BenchSettings, scenarios: Scenario[]) {
  const { connections, inFlightSteps, rounds } = settings;
  const results: ScenarioResult[] = [];
  let capacityRps = 200;

  for (const latencyMs of settings.latencies) {
    await postJson(`${stack.emulatorUrl}/_emulator/latency`, { ms: latencyMs });
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
            await measureScenario(stack, settings, scenario, {
              latencyMs,
              connections: 10,
              round,
              capacityRps,
              rate: 100,
              label: '(100 req/s)',
              ...(round === 1 && { warmupSec: settings.firstWarmupSec }),
            }),
          );
        }
      }
      for (let round = 1; round <= rounds; round++) {
        log(`latency ${latencyMs} ms, ${connections} connections, round ${round}/${rounds}`);
        for (const scenario of scenarios) {
          const result = await measureScenario(stack, settings, scenario, {
            latencyMs,
            connections,
            round,
            capacityRps,
          });
          if (scenario.name.startsWith('REST checkout, returning')) capacityRps = Math.max(result.rps, 50);
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
          results.push(
            await measureScenario(stack, settings, scenario, {
              latencyMs,
              connections: isNew ? Math.min(conns, 50) : conns,
              round: 1,
              capacityRps,
            }),
          );
        }
      }
      // A burst of subscription events (a billing run renews many subscriptions at once), each
      // reading Stripe: shows whether those reads tie up the server's database connections.
      const subscriptionBurst = scenarios.find((s) => s.name === 'webhook, customer.subscription.updated');
      if (subscriptionBurst) {
        log(`latency ${latencyMs} ms, ${connections} subscription events in flight`);
        results.push(
          await measureScenario(stack, settings, subscriptionBurst, {
            latencyMs,
            connections,
            round: 1,
            capacityRps,
          }),
        );
      }
    }
  }
  return results;
}
