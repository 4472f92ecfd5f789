/**
 * A refused body must not cost the client its answer. The server stops reading a body it refused,
 * so the connection still holds unread bytes when it closes; a plain close then sends a TCP reset
 * that can overtake the answer, and the client sees ECONNRESET instead of 415/413. A production
 * process (not this test's event loop, which hides the race) is sent large bodies repeatedly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@subkit/db';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, type ServerProcess, spawnServer } from '../processes';
import { streamBody } from '../streamed-body';

const ATTEMPTS = 12;
const REFUSALS = [
  { path: '/trpc/auth.signUp', contentType: 'text/plain', start: '', status: 415 },
  { path: '/api/auth/signup', contentType: 'application/octet-stream', start: '', status: 415 },
  { path: '/api/auth/signup', contentType: 'application/json', start: '{"email":"', status: 413 },
];

describe('a refused body over a real connection to a server process', () => {
  let dataDir: string;
  let emulator: StripeEmulator;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'subkit-refusal-'));
    const pgliteDir = join(dataDir, 'pglite');
    // Created here: a first start of PGlite is slow, and this test is about connections.
    await (await createDatabase({ pgliteDataDir: pgliteDir })).close();
    emulator = await startStripeEmulator({ port: 0 });
    server = await spawnServer({ ...emulatorEnv(emulator), PGLITE_DIR: pgliteDir });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(REFUSALS)(
    '$path, $contentType: the client reads $status every time',
    async (refusal) => {
      const statuses: (number | string)[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const answer = await streamBody(
          new URL(refusal.path, server.url).href,
          refusal.contentType,
          Buffer.from(refusal.start),
        ).catch((error: Error) => ({ status: error.message }));
        statuses.push(answer.status);
      }
      expect(statuses).toEqual(Array.from({ length: ATTEMPTS }, () => refusal.status));
    },
    60_000,
  );
});
