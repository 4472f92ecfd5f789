import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG, parseCatalog } from '../src/index';
import { apiFetch, createSubscriptionSession, emulatorForFile } from './helpers';

const t = emulatorForFile({
  publicUrl: 'https://pay.example.test/',
  catalog: [
    ...DEFAULT_CATALOG,
    {
      product: { id: 'prod_custom', name: 'Custom' },
      prices: [
        { id: 'price_custom', unit_amount: 100, currency: 'eur', recurring: { interval: 'week', interval_count: 2 } },
      ],
    },
  ],
});

function control(path: string, body?: object): Promise<Response> {
  return fetch(`${t.emulator.url}/_emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

describe('stats', () => {
  it('counts requests by method and route, including faulted and rejected ones, but not control calls', async () => {
    t.emulator.resetStats();
    await t.stripe.prices.retrieve('price_1ABC123XYZ');
    await t.stripe.prices.retrieve('price_pro_yearly');
    await t.stripe.customers.create({});
    await fetch(`${t.emulator.url}/v1/customers`); // 401
    t.emulator.setFaults([{ endpoint: 'GET /v1/products/:id', rate: 1, kind: '429' }]);
    await t.stripe.products.retrieve('prod_pro').catch(() => undefined);
    t.emulator.setFaults([]);
    await control('stats');
    expect(t.emulator.stats()).toEqual({
      requests: 5,
      byEndpoint: {
        'GET /v1/prices/:id': 2,
        'POST /v1/customers': 1,
        'GET /v1/customers': 1,
        'GET /v1/products/:id': 1,
      },
    });
    t.emulator.resetStats();
    expect(t.emulator.stats()).toEqual({ requests: 0, byEndpoint: {} });
  });
});

describe('control API over HTTP', () => {
  it('reports what another process needs to use the emulator', async () => {
    const info = (await (await control('info')).json()) as { url: string; secretKey: string; webhookSecret: string };
    expect(info).toMatchObject({
      url: t.emulator.url,
      publicUrl: 'https://pay.example.test',
      secretKey: t.emulator.secretKey,
      webhookSecret: t.emulator.webhookSecret,
    });
  });

  it('reads and resets stats', async () => {
    await t.stripe.prices.retrieve('price_1ABC123XYZ');
    const stats = (await (await control('stats')).json()) as { requests: number };
    expect(stats.requests).toBeGreaterThan(0);
    expect((await control('reset-stats', {})).status).toBe(200);
    expect(t.emulator.stats().requests).toBe(0);
  });

  it('sets latency and faults', async () => {
    expect((await control('latency', { ms: 120 })).status).toBe(200);
    const started = Date.now();
    await t.stripe.prices.retrieve('price_1ABC123XYZ');
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    await control('latency', { ms: 0 });

    expect(
      (await control('faults', { faults: [{ endpoint: 'GET /v1/prices/:id', rate: 1, kind: '503' }] })).status,
    ).toBe(200);
    const faulted = await apiFetch(t.emulator, 'GET', '/v1/prices/price_1ABC123XYZ');
    expect(faulted.status).toBe(503);
    await control('faults', { faults: [] });
    expect((await apiFetch(t.emulator, 'GET', '/v1/prices/price_1ABC123XYZ')).status).toBe(200);

    const invalid = await control('faults', { faults: [{ rate: 2, kind: '500' }] });
    expect(invalid.status).toBe(400);
  });

  it('advances the clock and flushes webhooks', async () => {
    const session = await createSubscriptionSession(t.stripe, { expires_at: t.emulator.now() + 1860 });
    const before = t.emulator.now();
    const advanced = (await (await control('clock/advance', { seconds: 3600 })).json()) as { now: number };
    // The clock keeps ticking in real time too, so a second boundary may pass between the reads.
    expect(advanced.now).toBeGreaterThanOrEqual(before + 3600);
    expect(advanced.now).toBeLessThanOrEqual(t.emulator.now());
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    expect((await control('flush', {})).status).toBe(200);
  });

  it('updates delivery options and rejects nonsense', async () => {
    expect((await control('delivery', { duplicate: true, retryBaseMs: 10 })).status).toBe(200);
    expect((await control('delivery', { maxAttempts: 0 })).status).toBe(400);
    expect((await control('delivery', { concurrency: 0 })).status).toBe(400);
    expect((await control('delivery', { concurrency: 1.5 })).status).toBe(400);
    expect((await control('delivery', { concurrency: 8 })).status).toBe(200);
    await control('delivery', { concurrency: 1 });
    await control('delivery', { duplicate: false });
  });
});

describe('catalog', () => {
  it('seeds a custom catalog from the option', async () => {
    const price = await t.stripe.prices.retrieve('price_custom', { expand: ['product'] });
    expect(price).toMatchObject({
      currency: 'eur',
      recurring: { interval: 'week', interval_count: 2 },
      product: { name: 'Custom' },
    });
    const session = await createSubscriptionSession(t.stripe, { line_items: [{ price: 'price_custom', quantity: 1 }] });
    // Hosted links use publicUrl; the page itself is served by the emulator.
    expect(session.url).toBe(`https://pay.example.test/c/pay/${session.id}`);
    expect(await (await fetch(`${t.emulator.url}/c/pay/${session.id}`)).text()).toContain('€1.00 / 2 weeks');
  });

  it('validates catalog files with a pointer to the bad entry', () => {
    expect(
      parseCatalog([
        { product: { id: 'prod_a', name: 'A' }, prices: [{ id: 'price_a', unit_amount: 1, currency: 'usd' }] },
      ]),
    ).toHaveLength(1);
    expect(() =>
      parseCatalog([
        { product: { id: 'prod_a', name: 'A' }, prices: [{ id: 'price_a', unit_amount: -1, currency: 'usd' }] },
      ]),
    ).toThrow(/catalog\[0\]\.prices\[0\]\.unit_amount/);
    expect(() => parseCatalog({})).toThrow(/JSON array/);
  });

  it("reads a product's description and marketing features, refusing features that are not names", () => {
    const product = { id: 'prod_a', name: 'A', description: 'For a team', features: ['SSO', 'Audit log'] };
    expect(parseCatalog([{ product, prices: [] }])[0]?.product).toEqual(product);
    expect(() => parseCatalog([{ product: { ...product, features: [{ name: 'SSO' }] }, prices: [] }])).toThrow(
      /catalog\[0\]\.product\.features/,
    );
  });
});
