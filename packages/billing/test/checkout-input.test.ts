import { CORE_ERROR_CODES } from '@subkit/core';
import { describe, expect, it } from 'vitest';
import { createCheckoutInput } from '../src/checkout/schemas';
import { BILLING_ERROR_CODES } from '../src/error-codes';

const valid = {
  priceId: 'price_1ABC123XYZ',
  successUrl: 'https://app.example.com/dashboard?checkout=success',
  cancelUrl: 'https://app.example.com/pricing?checkout=cancelled',
};

const firstMessage = (input: unknown) => createCheckoutInput.safeParse(input).error?.issues[0]?.message;

describe('createCheckoutInput', () => {
  it('accepts the seed example and turns metadata numbers and booleans into strings', () => {
    const parsed = createCheckoutInput.parse({ ...valid, metadata: { plan: 'pro', seats: 3, trial: false } });
    expect(parsed.metadata).toEqual({ plan: 'pro', seats: '3', trial: 'false' });
  });

  it.each([
    [' https://app.example.com/x', 'https://app.example.com/x'],
    ['https:///app.example.com/x', 'https://app.example.com/x'],
    ['https://app.example.com/a\tb\n', 'https://app.example.com/ab'],
    ['HTTPS://APP.example.com:443/x y', 'https://app.example.com/x%20y'],
    ['https://app.example.com/done/{CHECKOUT_SESSION_ID}', 'https://app.example.com/done/{CHECKOUT_SESSION_ID}'],
  ])('normalises redirect URL %j to %j, the form Stripe is sent', (given, sent) => {
    const parsed = createCheckoutInput.parse({ ...valid, successUrl: given, cancelUrl: given });
    expect([parsed.successUrl, parsed.cancelUrl]).toEqual([sent, sent]);
  });

  it('counts the URL length after normalisation', () => {
    const path = 'é'.repeat(1000);
    expect(`https://app.example.com/${path}`.length).toBeLessThan(2048);
    expect(firstMessage({ ...valid, successUrl: `https://app.example.com/${path}` })).toBe(
      'successUrl must be at most 2048 characters',
    );
  });

  it.each([
    [{ ...valid, priceId: undefined }, BILLING_ERROR_CODES.PRICE_ID_REQUIRED.message],
    [{ ...valid, priceId: null }, BILLING_ERROR_CODES.PRICE_ID_REQUIRED.message],
    [{ ...valid, priceId: '   ' }, BILLING_ERROR_CODES.PRICE_ID_REQUIRED.message],
    [{ ...valid, priceId: 'price_with spaces' }, BILLING_ERROR_CODES.INVALID_PRICE.message],
    [{ ...valid, priceId: `price_${'x'.repeat(101)}` }, BILLING_ERROR_CODES.INVALID_PRICE.message],
    [{ ...valid, successUrl: 'ftp://app.example.com/' }, 'successUrl must be a valid URL'],
    [{ ...valid, successUrl: 'data:text/html,hi' }, 'successUrl must be a valid URL'],
    [
      { ...valid, cancelUrl: `https://app.example.com/${'x'.repeat(2048)}` },
      'cancelUrl must be at most 2048 characters',
    ],
    [{ ...valid, cancelUrl: 'https://user:pass@app.example.com/' }, 'cancelUrl must not contain credentials'],
    [{ ...valid, metadata: [] }, 'metadata must be an object'],
    [{ ...valid, metadata: { '': 'x' } }, 'metadata key "" must be 1 to 40 characters'],
    [{ ...valid, metadata: { ['k'.repeat(41)]: 'x' } }, `metadata key "${'k'.repeat(40)}…" must be 1 to 40 characters`],
    [{ ...valid, metadata: { note: 'x'.repeat(501) } }, 'metadata.note must be at most 500 characters'],
    [{ ...valid, metadata: { note: null } }, 'metadata.note must be a string, number or boolean'],
    [
      // 50 is Stripe's limit, and the server adds userId.
      { ...valid, metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) },
      BILLING_ERROR_CODES.TOO_MANY_METADATA_KEYS(49).message,
    ],
    ['a string', CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message],
    [null, CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message],
  ])('refuses %j with "%s"', (input, message) => {
    expect(firstMessage(input)).toBe(message);
  });

  it('accepts exactly 49 metadata keys (50 with userId) of 40 characters with 500-character values', () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 49 }, (_, i) => [`${i}`.padStart(40, 'k'), 'v'.repeat(500)]),
    );
    expect(createCheckoutInput.safeParse({ ...valid, metadata }).success).toBe(true);
  });
});

describe('text Stripe cannot encode', () => {
  it.each([
    [{ ...valid, metadata: { note: 'half \ud800 a pair' } }, 'metadata.note must be valid Unicode text'],
    [{ ...valid, metadata: { '\udfff': 'x' } }, 'metadata key "\\udfff" must be valid Unicode text'],
    [{ ...valid, successUrl: 'https://app.example.com/\ud800' }, 'successUrl must be a valid URL'],
  ])('refuses lone surrogates in %j', (input, message) => {
    expect(firstMessage(input)).toBe(message);
  });

  it('accepts whole characters outside the BMP', () => {
    expect(createCheckoutInput.safeParse({ ...valid, metadata: { emoji: '🎉 ok' } }).success).toBe(true);
  });
});
