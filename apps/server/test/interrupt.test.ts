/**
 * Ctrl-C on `pnpm start`: the terminal sends SIGINT to the whole foreground process group, which
 * holds pnpm, the shell pnpm runs the `start` script in, and the server. A shell killed by it makes
 * pnpm print "[ELIFECYCLE] Command failed", so the script must leave no shell behind (it execs the
 * server) and the server must close and exit 0. Runs the script exactly as pnpm does, `sh -c`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { afterAll, describe, expect, it } from 'vitest';

const SERVER_ROOT = fileURLToPath(new URL('..', import.meta.url));
const { scripts } = JSON.parse(readFileSync(join(SERVER_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('Ctrl-C on the start script', () => {
  const directory = mkdtempSync(join(tmpdir(), 'subkit-interrupt-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('closes the server and exits 0, printing nothing on stderr', async () => {
    const port = await getPort();
    const child = spawn('sh', ['-c', scripts.start ?? ''], {
      cwd: SERVER_ROOT,
      // Its own process group, as a terminal's foreground job: the signal below reaches all of it.
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        STRIPE_EMULATOR_PORT: String(await getPort()),
        PGLITE_DIR: join(directory, 'pglite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.resume();
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (response) => response.ok,
        () => false,
      ))
    ) {
      if (child.exitCode !== null || Date.now() > deadline) {
        if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
        throw new Error(`the start script did not start the server:\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
  }, 90_000);
});
