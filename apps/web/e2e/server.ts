import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { build } from 'vite';

const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_ROOT = fileURLToPath(new URL('../../server', import.meta.url));
// tsx compiles the server on start: on a 2-core machine shared with other builds that can take a minute.
const BOOT_TIMEOUT_MS = 90_000;
const KEEP_OUTPUT_CHARS = 20_000;

// Everything a run writes (build, database, browser profile) lives under one directory, removed at the end.
let runDir: string | undefined;

export function tempDir(name: string): string {
  runDir ??= mkdtempSync(join(tmpdir(), 'subkit-e2e-'));
  return mkdtempSync(join(runDir, `${name}-`));
}

export function removeTempDirs(): void {
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}

/** Builds the app as `pnpm build` would, but into a fresh directory, so the test never serves a stale dist. */
export async function buildWebApp(): Promise<string> {
  const outDir = tempDir('dist');
  // Vite bakes NODE_ENV into the bundle, and vitest sets it to "test": React would ship its
  // development build, unlike what `pnpm build` serves.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_ROOT, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

export interface RunningServer {
  baseUrl: string;
  /** The server's built-in Stripe emulator, for reading what "Stripe" holds with the real SDK. */
  emulatorUrl: string;
  stop: () => Promise<void>;
}

/**
 * Starts the real server from its sources (`apps/server/src/main.ts` under tsx, as `pnpm dev` runs
 * it; the server's own process tests cover the compiled bundle `pnpm start` runs), in its own
 * process group so that stopping it also stops anything it spawned. It always runs against the built-in
 * Stripe emulator: inherited Stripe settings are dropped so a developer's real key is never used.
 * `settings` adds environment variables for one scenario's server.
 */
export async function startServer(webDistDir: string, settings: Record<string, string> = {}): Promise<RunningServer> {
  const [port, emulatorPort] = [await getPort(), await getPort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('STRIPE_') || ['NODE_ENV', 'ALLOWED_REDIRECT_ORIGINS', 'PLANS'].includes(name))
      delete env[name];
  }
  Object.assign(env, {
    PORT: String(port),
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    PUBLIC_URL: baseUrl,
    WEB_DIST_DIR: webDistDir,
    LOG_LEVEL: 'warn',
    // Every scenario signs a new account up from this one address, more than a minute's default allows.
    RATE_LIMIT_AUTH_PER_MIN: '100',
    // A scenario's own settings (e.g. TRIAL_DAYS) win.
    ...settings,
  });
  // A shared Postgres is fine (every run signs up fresh emails); otherwise a throwaway PGlite. Set
  // either way: the built-in emulator keeps its state beside it, and a run that moved the emulator's
  // clock must not leave the next run's checkouts in the past.
  // Its own parent directory too: the emulator's state file sits next to PGLITE_DIR, and a second
  // server (the trial scenario's) must not load the first one's, clock and all.
  env.PGLITE_DIR = join(tempDir('server'), 'pglite');

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEEP_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    process.stderr.write(chunk);
  });

  const stop = () => stopProcessGroup(child);
  try {
    await waitForHealth(baseUrl, child);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- server output ---\n${output}`);
  }
  return { baseUrl, emulatorUrl: `http://127.0.0.1:${emulatorPort}`, stop };
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} while starting`);
    const healthy = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The server did not answer GET /api/health within ${BOOT_TIMEOUT_MS / 1000} s`);
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const { pid } = child;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const forced = setTimeout(() => signalGroup('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}
