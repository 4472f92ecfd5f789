import { describe, expect, it } from 'vitest';
import { describePlan, formatInterval, formatPrice } from './format-price';

describe('formatPrice', () => {
  it('turns Stripe cents into a currency amount', () => {
    expect(formatPrice(2900, 'usd', 'en-US')).toBe('$29.00');
    expect(formatPrice(29000, 'usd', 'en-US')).toBe('$290.00');
    expect(formatPrice(999, 'eur', 'en-US')).toBe('€9.99');
  });

  it('does not divide zero-decimal currencies', () => {
    expect(formatPrice(1500, 'jpy', 'en-US')).toBe('¥1,500');
  });

  it('says so when the price has no fixed amount', () => {
    expect(formatPrice(null, 'usd', 'en-US')).toBe('Custom pricing');
  });
});

describe('formatInterval', () => {
  it('reads "per month" for a single interval and counts several', () => {
    expect(formatInterval('month', 1)).toBe('per month');
    expect(formatInterval('year', 1)).toBe('per year');
    expect(formatInterval('month', 3)).toBe('every 3 months');
  });
});

describe('describePlan', () => {
  it('names the product and its cadence', () => {
    expect(describePlan({ productName: 'Pro', interval: 'month', intervalCount: 1 })).toBe('Pro monthly');
    expect(describePlan({ productName: 'Pro', interval: 'year', intervalCount: 1 })).toBe('Pro yearly');
    expect(describePlan({ productName: 'Team', interval: 'week', intervalCount: 2 })).toBe('Team every 2 weeks');
  });
});
