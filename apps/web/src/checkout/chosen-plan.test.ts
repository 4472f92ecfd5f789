import { describe, expect, it } from 'vitest';
import { checkoutReturnUrls, chosenPlanOf, withChosenPlan } from './chosen-plan';

describe('the chosen plan', () => {
  it('is read from ?plan= only when it is shaped like a price id', () => {
    expect(chosenPlanOf(new URLSearchParams('plan=price_1ABC123XYZ'))).toBe('price_1ABC123XYZ');
    expect(chosenPlanOf(new URLSearchParams('plan=https://evil.example'))).toBeNull();
    expect(chosenPlanOf(new URLSearchParams('plan=price_'))).toBeNull();
    expect(chosenPlanOf(new URLSearchParams(''))).toBeNull();
  });

  it('is carried onto a path, or left off when there is none', () => {
    expect(withChosenPlan('/signup', 'price_pro_yearly')).toBe('/signup?plan=price_pro_yearly');
    expect(withChosenPlan('/signup', null)).toBe('/signup');
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
