/**
 * An operator's mistake at start-up (database down, PGlite's directory taken, port taken) ends the real server process with
 * exit code 1 and one readable line on stderr: no stack trace, no password.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, spawnFailingServer } from './processes';

describe('start-up failures', () => {
  let emulator: StripeEmulator;
  let pgliteRoot: string;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0 });
    pgliteRoot = mkdtempSync(join(tmpdir(), 'subkit-startup-'));
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(pgliteRoot, { recursive: true, force: true });
  });

  it('names an unreachable database in one line, without its password', async () => {
    // Nothing listens on a port get-port just found free.
    const port = await getPort();
    const result = await spawnFailingServer({
      ...emulatorEnv(emulator),
      DATABASE_URL: `postgres://postgres:hunter2secret@127.0.0.1:${port}/subkit`,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `Subkit could not start: the database at 127.0.0.1:${port} is unreachable (ECONNREFUSED); check DATABASE_URL and that Postgres is running.`,
    ]);
    expect(result.stderr).not.toContain('hunter2secret');
  }, 60_000);

  it('names a PGlite data directory another process holds in one line', async () => {
    const dataDir = join(pgliteRoot, 'held');
    // The lock names a process that runs: this test's own.
    writeFileSync(`${dataDir}.lock`, String(process.pid));
    const result = await spawnFailingServer({ ...emulatorEnv(emulator), PGLITE_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `Subkit could not start: The PGlite data directory ${dataDir} is in use by process ${process.pid}. PGlite serves one process; set DATABASE_URL to run several.`,
    ]);
  }, 60_000);

  it('names a port already in use in one line', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await spawnFailingServer({
        ...emulatorEnv(emulator),
        PGLITE_DIR: join(pgliteRoot, 'port-in-use'),
        HOST: '127.0.0.1',
        PORT: String(port),
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([
        `Subkit could not start: port ${port} on 127.0.0.1 is already in use; stop the other process or set PORT.`,
      ]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
