import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, startTestEmulator } from './helpers';

const t = emulatorForFile({ webhookEndpoints: ['http://127.0.0.1:9/webhooks'], delivery: { retryBaseMs: 60_000 } });

describe('shutdown', () => {
  it('close() returns promptly with retries pending and releases flushWebhooks()', async () => {
    await t.stripe.customers.create({ email: 'pending@example.com' });
    while (t.emulator.webhookDeliveries().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const flushed = t.emulator.flushWebhooks();
    const started = Date.now();
    await t.emulator.close();
    await flushed;
    // The pending retry is a minute away: returning well before it shows close() did not wait for it.
    expect(Date.now() - started).toBeLessThan(20_000);
    await t.emulator.close(); // twice is fine
  });

  it('does not keep the Node process alive after close()', async () => {
    const script = fileURLToPath(new URL('./fixtures/close-with-pending-retries.ts', import.meta.url));
    const started = Date.now();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      // Well before the pending retry (a minute away), even with tsx starting on a busy machine.
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.on('exit', (exitCode) => {
        clearTimeout(killer);
        resolve({ code: exitCode, output });
      });
    });
    expect(output).toContain('closed');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 50_000);

  it('refuses to start with NODE_ENV=production unless allowed', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(startTestEmulator()).rejects.toThrow(/NODE_ENV=production/);
      const allowed = await startTestEmulator({ allowProduction: true });
      await allowed.emulator.close();
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});
