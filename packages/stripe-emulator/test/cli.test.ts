import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/stripe-emulator.js', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts the CLI and resolves with everything it printed once it reports its URL. */
function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Control API')) resolve({ child, output });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', () => resolve({ child, output }));
    child.on('error', reject);
  });
}

describe('cli', () => {
  it('prints the URL and keys, applies --fault, and exits cleanly on SIGTERM', async () => {
    const { child, output } = await startCli(['--port', '0', '--fault', 'kind=503,rate=1,endpoint=GET /v1/prices/:id']);
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    const key = /STRIPE_SECRET_KEY=(sk_test_\S+)/.exec(output)?.[1];
    expect(output).toMatch(/STRIPE_WEBHOOK_SECRET=whsec_\S+/);
    const response = await fetch(`${url}/v1/prices/price_1ABC123XYZ`, { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status).toBe(503);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('keeps customers, the key and the webhook secret in --data-dir across a restart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'stripe-emulator-cli-'));
    const dataDir = join(directory, 'data');
    const keys = (output: string) => ({
      url: /listening on (http:\/\/\S+)/.exec(output)?.[1],
      key: /STRIPE_SECRET_KEY=(sk_test_\S+)/.exec(output)?.[1],
      secret: /STRIPE_WEBHOOK_SECRET=(whsec_\S+)/.exec(output)?.[1],
    });
    const stop = (child: ChildProcess) => {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      return exited;
    };
    try {
      const first = await startCli(['--port', '0', '--data-dir', dataDir]);
      const before = keys(first.output);
      const created = await fetch(`${before.url}/v1/customers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${before.key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'email=cli%40example.com',
      });
      const { id } = (await created.json()) as { id: string };
      expect(await stop(first.child)).toBe(0);

      const second = await startCli(['--port', '0', '--data-dir', dataDir]);
      const after = keys(second.output);
      expect(after.key).toBe(before.key);
      expect(after.secret).toBe(before.secret);
      const retrieved = await fetch(`${after.url}/v1/customers/${id}`, {
        headers: { Authorization: `Bearer ${after.key}` },
      });
      expect(retrieved.status).toBe(200);
      expect(await stop(second.child)).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses NODE_ENV=production without --allow-production', async () => {
    const { child, output } = await startCli(['--port', '0'], { ...process.env, NODE_ENV: 'production' });
    expect(output).toMatch(/Refusing to start/);
    expect(child.exitCode).toBe(1);
  });
});
