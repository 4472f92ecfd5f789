import { describe, expect, it } from 'vitest';
import { checkoutReturnUrls, chosenPlanOf } from './chosen-plan';

describe('the chosen plan', () => {
  it('is read from ?plan= only when it is shaped like a price id', () => {
    expect(chosenPlanOf('price_1ABC123XYZ')).toBe('price_1ABC123XYZ');
    expect(chosenPlanOf('https://evil.example')).toBeNull();
    expect(chosenPlanOf('price_')).toBeNull();
    expect(chosenPlanOf(123)).toBeNull();
    expect(chosenPlanOf(undefined)).toBeNull();
  });
});

describe('the checkout return URLs', () => {
  it("carry Stripe's session id placeholder back to the dashboard", () => {
    expect(checkoutReturnUrls('https://app.example.com')).toEqual({
      successUrl: 'https://app.example.com/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://app.example.com/pricing?checkout=cancelled',
    });
  });
});
