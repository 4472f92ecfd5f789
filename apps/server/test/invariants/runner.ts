import fc from 'fast-check';
import { commandArbitraries, settleAndCheck } from './commands';
import { figures } from './figures';
import { type Model, newModel, newReal, type Real } from './model';
import type { BillingSystem } from './system';

export interface RunOptions {
  /** Sequences to run. */
  runs: number;
  maxCommands: number;
  /** Comma-separated command names (see COMMANDS); all when unset. */
  commands?: string;
  /** fast-check's seed and path from a failure report, to replay it. */
  seed?: number;
  path?: string;
  /** Shrink a failure to a shorter sequence (slow against a real system, so off unless asked). */
  shrink: boolean;
  /** Stop starting new sequences after this long; a failure already found is still reported. */
  timeLimitMs: number;
}

/** Reads INVARIANT_* variables; the defaults keep a CI run near a minute per database. */
export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const number = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new Error(`${name} must be an integer, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const runs = number('INVARIANT_RUNS', 10);
  return {
    runs,
    maxCommands: number('INVARIANT_MAX_COMMANDS', 30),
    commands: env.INVARIANT_COMMANDS || undefined,
    seed: env.INVARIANT_SEED ? number('INVARIANT_SEED', 0) : undefined,
    path: env.INVARIANT_PATH || undefined,
    shrink: env.INVARIANT_SHRINK === '1',
    timeLimitMs: number('INVARIANT_TIME_LIMIT_MS', Math.max(90_000, runs * 45_000)),
  };
}

type Command = fc.AsyncCommand<Model, Real>;

/** Writes each command into the run's trace as it starts, so a failure shows what led to it. */
function traced(command: Command): Command {
  return {
    check: (model) => command.check(model),
    run: async (model, real) => {
      figures.steps += 1;
      real.trace.push(command.toString());
      await command.run(model, real);
    },
    toString: () => command.toString(),
  };
}

/**
 * Random sequences of user, Stripe and operator actions against `system`, each ending with the
 * webhooks settled and every invariant checked. A failure throws fast-check's report: the seed and
 * path that replay it (INVARIANT_SEED, INVARIANT_PATH) and the trace of the failing sequence.
 */
export async function runModel(system: BillingSystem, options: RunOptions): Promise<void> {
  const commands = fc.commands(
    commandArbitraries(options.commands).map((arbitrary) => arbitrary.map(traced)),
    { maxCommands: options.maxCommands, size: 'max' },
  );
  const property = fc.asyncProperty(commands, async (sequence) => {
    if (system.stripeAheadSeconds() > 60) await system.freshStripe();
    system.emulator.setFaults([]);
    system.faultsArmed = false;
    // Retries quick enough that a delivery outlives a server restart without slowing a settle.
    system.emulator.setDelivery({ duplicate: false, shuffle: false, delayMs: 0, maxAttempts: 8, retryBaseMs: 50 });
    figures.sequences += 1;
    const model = newModel();
    const real = newReal(system);
    try {
      await fc.asyncModelRun(() => ({ model, real }), sequence);
      real.trace.push('settle() at the end of the sequence');
      await settleAndCheck(model, real);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(`${message}\n--- trace of the failing sequence ---\n${real.trace.join('\n')}`);
    }
  });
  await fc.assert(property, {
    numRuns: options.runs,
    endOnFailure: !options.shrink,
    interruptAfterTimeLimit: options.timeLimitMs,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.path !== undefined ? { path: options.path } : {}),
  });
}
