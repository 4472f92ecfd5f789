import { describe, expect, it } from 'vitest';
import { proMonthly, proYearly, starterMonthly } from '../test-helpers';
import { groupByProduct, hasBothCadences, planFor, yearlySaving } from './product-offers';

describe('groupByProduct', () => {
  it('shows each product once, in the order its first plan is offered', () => {
    const offers = groupByProduct([starterMonthly, proMonthly, proYearly]);
    expect(offers.map((offer) => offer.productId)).toEqual(['prod_starter', 'prod_pro']);
    expect(offers[1]).toMatchObject({ monthly: proMonthly, yearly: proYearly });
    expect(offers.map(hasBothCadences)).toEqual([false, true]);
  });

  it('shows the chosen cadence, or the only one a product has', () => {
    const [starter, pro] = groupByProduct([starterMonthly, proMonthly, proYearly]);
    expect(pro && planFor(pro, 'year')).toBe(proYearly);
    expect(pro && planFor(pro, 'month')).toBe(proMonthly);
    expect(starter && planFor(starter, 'year')).toBe(starterMonthly);
  });
});

describe('yearlySaving', () => {
  it('compares a year with twelve months, in whole percent', () => {
    const [pro] = groupByProduct([proMonthly, proYearly]);
    // 290 a year against 12 × 29 = 348: 16.7 % off.
    expect(pro && yearlySaving(pro)).toBe(17);
  });

  it('claims no saving it cannot work out', () => {
    const saving = (yearly: typeof proYearly) => {
      const [offer] = groupByProduct([proMonthly, yearly]);
      return offer ? yearlySaving(offer) : undefined;
    };
    expect(saving({ ...proYearly, currency: 'eur' })).toBeNull();
    expect(saving({ ...proYearly, unitAmount: null })).toBeNull();
    expect(saving({ ...proYearly, unitAmount: 12 * 2900 })).toBeNull();
    const [starter] = groupByProduct([starterMonthly]);
    expect(starter && yearlySaving(starter)).toBeNull();
  });
});
