/**
 * Figure: generated hostile requests against the REST checkout and its tRPC twin. Every response
 * must be a 4xx (or a 200 for a valid body) in the right shape; none may be a 5xx.
 * FAST_CHECK_RUNS sets the count (CI: 10,000 for REST).
 */
import { testDatabaseKinds } from '@subkit/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERROR_CODES } from '../../src/http/error-codes';
import { request, SEED_ORIGIN, type Stack, signUp, startStack } from '../harness';

const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 10_000);

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }), // lone surrogates and all
  fc.constantFrom('', ' ', '\u0000', '\u202e', 'price_', 'price_1ABC123XYZ', '{CHECKOUT_SESSION_ID}', 'null', '[]'),
  fc.string({ minLength: 3_000, maxLength: 20_000 }),
);
const url = fc.oneof(
  fc.constantFrom(
    `${SEED_ORIGIN}/dashboard?checkout=success`,
    `${SEED_ORIGIN}/x?session_id={CHECKOUT_SESSION_ID}`,
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://app.example.com@evil.example.net/',
    'https://evil.example.net/',
    'http://[::1]:99999/',
    '//app.example.com/',
    `${SEED_ORIGIN}/${'a'.repeat(3_000)}`,
  ),
  fc.webUrl(),
  oddString,
);
const anything = fc.anything({ maxDepth: 3, withBigInt: false });
const metadata = fc.oneof(
  fc.dictionary(oddString, fc.oneof(oddString, fc.integer(), fc.boolean(), fc.double(), anything), { maxKeys: 60 }),
  anything,
);
const checkoutBody = fc.record(
  {
    priceId: fc.oneof(
      fc.constantFrom('price_1ABC123XYZ', 'price_legacy_inactive', 'price_one_time_setup'),
      oddString,
      anything,
    ),
    successUrl: fc.oneof(url, anything),
    cancelUrl: fc.oneof(url, anything),
    metadata,
  },
  { requiredKeys: [] },
);
// A valid request with one part made hostile: these get past the cheap checks and reach the
// deeper ones (metadata rules, origins, the price lookup, the Stripe call itself).
const VALID = {
  priceId: 'price_1ABC123XYZ',
  successUrl: `${SEED_ORIGIN}/dashboard?checkout=success`,
  cancelUrl: `${SEED_ORIGIN}/pricing?checkout=cancelled`,
};
const nearlyValid = fc.oneof(
  fc.record({ metadata }).map((part) => ({ ...VALID, ...part })),
  fc
    .dictionary(fc.string({ unit: 'binary', maxLength: 45 }), fc.string({ unit: 'binary', maxLength: 600 }), {
      maxKeys: 5,
    })
    .map((entries) => ({ ...VALID, metadata: entries })),
  fc.record({ successUrl: url }).map((part) => ({ ...VALID, ...part })),
  fc.record({ cancelUrl: url }).map((part) => ({ ...VALID, ...part })),
  fc.record({ priceId: oddString }).map((part) => ({ ...VALID, ...part })),
);
const body = fc.oneof(
  { weight: 4, arbitrary: nearlyValid.map((value) => JSON.stringify(value)) },
  { weight: 4, arbitrary: checkoutBody.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: anything.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.string() },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);
const authorization = fc.oneof(
  fc.constant('valid'),
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic abc', `Bearer ${'A'.repeat(43)}`, `Bearer ${'x'.repeat(5_000)}`),
  oddString.filter((value) => /^[\t\x20-\x7e]*$/.test(value)),
);

function isErrorEnvelope(value: unknown): boolean {
  const envelope = value as { success?: unknown; error?: { code?: unknown; message?: unknown } };
  return (
    envelope?.success === false &&
    typeof envelope.error?.code === 'string' &&
    typeof envelope.error.message === 'string' &&
    envelope.error.message.length > 0
  );
}

describe.each(testDatabaseKinds())('hostile input (%s)', (kind) => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack(kind);
    ({ token } = await signUp(stack.server.url));
  });
  afterAll(() => stack.close());

  it(`answers ${RUNS} generated REST requests in the envelope, never with a 5xx`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, contentType, authorization, async (rawBody, type, auth) => {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (auth === 'valid') headers.authorization = `Bearer ${token}`;
        else if (auth) headers.authorization = auth;
        const response = await request(stack.server.url, 'POST', '/api/billing/checkout', { rawBody, headers });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) {
          expect((response.body as { success: boolean }).success).toBe(true);
          return;
        }
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(isErrorEnvelope(response.body)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    console.log(
      `RELIABILITY hostile-rest ${JSON.stringify({ database: kind, cases: RUNS, statuses: Object.fromEntries(statuses) })}`,
    );
  }, 600_000);

  it(`answers ${Math.ceil(RUNS / 5)} generated tRPC calls with tRPC errors, never with a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(checkoutBody, async (input) => {
        const response = await request(stack.server.url, 'POST', '/trpc/billing.createCheckout', {
          body: input,
          token,
        });
        if (response.status === 200) return;
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        const error = (response.body as { error?: { message?: string; data?: { code?: string } } }).error;
        expect(typeof error?.message).toBe('string');
        expect(typeof error?.data?.code).toBe('string');
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  }, 600_000);

  it('spends one Stripe call on a flood of one unknown price id, and none on malformed ids', async () => {
    const priceLookups = () => stack.emulator.stats().byEndpoint['GET /v1/prices/:id'] ?? 0;
    const flood = (priceId: string) =>
      Promise.all(
        Array.from({ length: 25 }, () =>
          request(stack.server.url, 'POST', '/api/billing/checkout', {
            token,
            body: { priceId, successUrl: `${SEED_ORIGIN}/ok`, cancelUrl: `${SEED_ORIGIN}/no` },
          }),
        ),
      );
    const before = priceLookups();
    const priceId = `price_flood${Date.now()}`;
    const concurrent = await flood(priceId);
    expect(concurrent.every((response) => response.status === 400)).toBe(true);
    expect(priceLookups() - before).toBe(1);
    // Remembered as unknown: the next wave costs nothing.
    await flood(priceId);
    expect(priceLookups() - before).toBe(1);

    const malformedStart = priceLookups();
    await flood('not-a-price');
    expect(priceLookups()).toBe(malformedStart);
  });

  it('refuses a body over the size limit with 413 in the envelope', async () => {
    const response = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token,
      body: { priceId: 'price_1ABC123XYZ', metadata: { note: 'x'.repeat(100_000) } },
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      success: false,
      error: HTTP_ERROR_CODES.BODY_TOO_LARGE,
    });
  });
});
