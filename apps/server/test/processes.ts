import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StripeEmulator } from '@subkit/stripe-emulator';
import getPort from 'get-port';
import { startFlags } from '../build';
import { SEED_ORIGIN } from './harness';

const SERVER_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What a server process needs to use a test's emulator as "the real Stripe" (key, base URL and
 * webhook secret), with the seed's redirect origin allowed and abuse limits out of the way.
 */
export function emulatorEnv(emulator: StripeEmulator): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: emulator.secretKey,
    STRIPE_API_BASE: emulator.url,
    STRIPE_WEBHOOK_SECRET: emulator.webhookSecret,
    ALLOWED_REDIRECT_ORIGINS: SEED_ORIGIN,
    RATE_LIMIT_AUTH_PER_MIN: '100000',
    RATE_LIMIT_CHECKOUT_PER_MIN: '100000',
    RATE_LIMIT_STRIPE_PER_MIN: '100000',
  };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `stdout`: a file descriptor to write the log to, as a production service manager would. */
function spawnMain(env: Record<string, string>, stdout: number | 'pipe' = 'pipe'): ChildProcess {
  return spawn(process.execPath, [...startFlags(), 'dist/main.js'], {
    cwd: SERVER_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
}

export interface FailedStart {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A real server process that is expected not to start: what it printed on each stream and its
 * exit code. Killed (and the test failed) if it is still running after `timeoutMs`.
 */
export async function spawnFailingServer(env: Record<string, string>, timeoutMs = 30_000): Promise<FailedStart> {
  const child = spawnMain(env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  if (code === null) throw new Error(`server was still running after ${timeoutMs} ms:\n${stdout}${stderr}`);
  return { code, stdout, stderr };
}

/**
 * A real server process, started exactly as `pnpm start` starts it (the production bundle, built
 * by test/global-setup.ts), with the given environment. `stdout`: a file descriptor for its log
 * (then `output()` has stderr only).
 */
export async function spawnServer(env: Record<string, string>, stdout?: number): Promise<ServerProcess> {
  const port = env.PORT ?? String(await getPort());
  const child = spawnMain({ ...env, PORT: port }, stdout);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} while starting:\n${output}`);
    const up = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    exited,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
