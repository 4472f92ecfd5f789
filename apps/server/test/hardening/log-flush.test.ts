/**
 * The server writes its log asynchronously (pino's async destination, logging.ts), so a request's
 * lines may still be queued when it has answered. Production sends stdout to a file or a
 * collector; on SIGTERM every line written before the exit must be in it: the lines of the last
 * requests answered and the shutdown's own last line.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, spawnServer } from '../processes';

const REQUESTS = 200;

describe.each(testDatabaseKinds())('the log written to a file (%s)', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase | undefined;
  let dir: string;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'subkit-log-flush-'));
    if (kind === 'postgres') database = await createTestDatabase('postgres');
    // Created and migrated here, so the server's start is not a busy machine's first migration.
    else await (await createDatabase({ pgliteDataDir: join(dir, 'pglite') })).close();
  }, 120_000);
  afterAll(async () => {
    await emulator.close();
    await database?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds every line written before SIGTERM, the last request and the shutdown included', async () => {
    const logPath = join(dir, 'server.log');
    const log = openSync(logPath, 'w');
    const server = await spawnServer(
      {
        ...emulatorEnv(emulator),
        LOG_LEVEL: 'info',
        ...(database?.url ? { DATABASE_URL: database.url } : { PGLITE_DIR: join(dir, 'pglite') }),
      },
      log,
    );
    closeSync(log);
    // Many requests at once, so lines queue behind each other; the signal follows the last answer.
    const ids = Array.from({ length: REQUESTS }, (_, i) => `log-flush-${i}`);
    const answers = await Promise.all(
      ids.map((id) => fetch(`${server.url}/api/health`, { headers: { 'x-request-id': id } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 200));
    expect(await server.stop('SIGTERM')).toBe(0);

    const lines = readFileSync(logPath, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; reqId?: string });
    const completed = new Set(lines.filter((line) => line.msg === 'request completed').map((line) => line.reqId));
    expect(ids.filter((id) => !completed.has(id))).toEqual([]);
    expect(lines.at(-1)?.msg).toBe('shut down');
  }, 120_000);
});
