import { describe, expect, it } from 'vitest';
import { checkoutReturnUrls, chosenPlanSearch } from './chosen-plan';

describe('the chosen plan', () => {
  it('is read from ?plan= only when it is shaped like a price id', () => {
    expect(chosenPlanSearch({ plan: 'price_1ABC123XYZ' })).toEqual({ plan: 'price_1ABC123XYZ' });
    expect(chosenPlanSearch({ plan: 'https://evil.example' })).toEqual({});
    expect(chosenPlanSearch({ plan: 'price_' })).toEqual({});
    expect(chosenPlanSearch({ plan: 123 })).toEqual({});
    expect(chosenPlanSearch({})).toEqual({});
  });

  it('carries its promotion code, trimmed, within the bound the server sets', () => {
    const plan = 'price_starter_monthly';
    expect(chosenPlanSearch({ plan, code: ' friend20 ' })).toEqual({ plan, code: 'friend20' });
    expect(chosenPlanSearch({ plan, code: 'C'.repeat(100) })).toEqual({ plan, code: 'C'.repeat(100) });
    // Beyond the bound, blank or not text: the plan goes on without it.
    expect(chosenPlanSearch({ plan, code: 'C'.repeat(101) })).toEqual({ plan });
    expect(chosenPlanSearch({ plan, code: '   ' })).toEqual({ plan });
    expect(chosenPlanSearch({ plan, code: 20 })).toEqual({ plan });
    expect(chosenPlanSearch({ plan, code: { code: 'FRIEND20' } })).toEqual({ plan });
  });

  it('drops a promotion code that comes without a plan', () => {
    expect(chosenPlanSearch({ code: 'FRIEND20' })).toEqual({});
    expect(chosenPlanSearch({ plan: 'https://evil.example', code: 'FRIEND20' })).toEqual({});
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
