/**
 * `pnpm start` with the built-in emulator, stopped and started again on the same data directory:
 * a returning user's stored Stripe customer must still exist, so checkout and the portal keep
 * working with it (the emulator's state is saved beside PGlite's directory).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@subkit/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import getPort from 'get-port';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, SEED_ORIGIN, signUp } from '../harness';
import { spawnServer } from '../processes';

describe.each(testDatabaseKinds())('restarting the server with the built-in emulator (%s)', (kind) => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'subkit-restart-'));
    if (kind === 'postgres') database = await createTestDatabase('postgres');
    env = {
      PORT: String(await getPort()),
      STRIPE_EMULATOR_PORT: String(await getPort()),
      // Always set: with Postgres it still decides where the emulator's state goes.
      PGLITE_DIR: join(dataDir, 'pglite'),
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      ALLOWED_REDIRECT_ORIGINS: SEED_ORIGIN,
      RATE_LIMIT_AUTH_PER_MIN: '100000',
      RATE_LIMIT_CHECKOUT_PER_MIN: '100000',
    };
    // Creating a PGlite directory takes far longer than opening one (20 s on a loaded machine, past
    // Fastify's plugin timeout); this test is about the restart, so the directory exists first.
    if (kind === 'pglite') await (await createDatabase({ pgliteDataDir: env.PGLITE_DIR })).close();
  });
  afterAll(async () => {
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const checkout = (url: string, token: string) =>
    request(url, 'POST', '/api/billing/checkout', {
      token,
      body: { priceId: 'price_1ABC123XYZ', successUrl: `${SEED_ORIGIN}/ok`, cancelUrl: `${SEED_ORIGIN}/no` },
    });
  const portal = (url: string, token: string) =>
    request(url, 'POST', '/api/billing/portal', { token, body: { returnUrl: `${SEED_ORIGIN}/account` } });

  it("keeps a returning user's checkout and portal working with the same customer", async () => {
    // Any test key is accepted by the emulator; this one reads what the embedded emulator holds.
    const stripe = new Stripe('sk_test_restart_reader', {
      host: '127.0.0.1',
      port: Number(env.STRIPE_EMULATOR_PORT),
      protocol: 'http',
    });
    const sessionCustomer = async (response: Awaited<ReturnType<typeof checkout>>) => {
      expect(response.status, response.text).toBe(200);
      const { sessionId } = (response.body as { data: { sessionId: string } }).data;
      return (await stripe.checkout.sessions.retrieve(sessionId)).customer;
    };

    const first = await spawnServer(env);
    const user = await signUp(first.url);
    const customer = await sessionCustomer(await checkout(first.url, user.token));
    expect(customer).toMatch(/^cus_/);
    expect((await portal(first.url, user.token)).status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await spawnServer(env);
    try {
      expect(await sessionCustomer(await checkout(second.url, user.token))).toBe(customer);
      const again = await portal(second.url, user.token);
      expect(again.status, again.text).toBe(200);
      expect((await stripe.customers.list({ email: user.email })).data.map((entry) => entry.id)).toEqual([customer]);
      expect(existsSync(join(dataDir, 'stripe-emulator.json'))).toBe(true);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);
});
