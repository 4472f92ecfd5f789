import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_ORIGIN, type Stack, startStack, startTestServer } from '../harness';

describe('browser-facing protections', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('pglite');
  });
  afterAll(() => stack.close());

  it('sends security headers on API responses', async () => {
    const response = await fetch(`${stack.server.url}/api/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('asks browsers to upgrade requests to https only when the app is served over https', async () => {
    const csp = (response: Response) => response.headers.get('content-security-policy') ?? '';
    // Without PUBLIC_URL the app is at http://localhost:<port>, and may be opened at the machine's address.
    for (const [publicUrl, upgrades] of [
      ['http://localhost:3000', false],
      ['http://billing.internal:3000', false],
      ['https://billing.example.com', true],
    ] as const) {
      const server = await startTestServer(stack.database, stack.emulator, { PUBLIC_URL: publicUrl });
      try {
        expect(csp(await fetch(`${server.url}/`)).includes('upgrade-insecure-requests'), publicUrl).toBe(upgrades);
      } finally {
        await server.close();
      }
    }
  });

  it('allows cross-origin calls from the web app’s origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.server.url}/api/billing/checkout`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(SEED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SEED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await preflight('https://evil.example.net');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
