import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  completeSession,
  createSubscriptionSession,
  emulatorForFile,
  eventsSince,
  latestEventId,
  startTestEmulator,
  subscribe,
} from './helpers';

const t = emulatorForFile();
const DAY = 86_400;

async function promotionFor(stripe: Stripe, coupon: Stripe.CouponCreateParams, code?: string) {
  const created = await stripe.coupons.create(coupon);
  return stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: created.id }, ...(code ? { code } : {}) });
}

/** The paid invoices of a subscription, oldest first. */
async function invoicesOf(stripe: Stripe, subscription: string): Promise<Stripe.Invoice[]> {
  const { data } = await stripe.invoices.list({ subscription, limit: 100 });
  return data.reverse();
}

describe('coupons', () => {
  it('creates, retrieves, updates, lists and deletes coupons with their events', async () => {
    const marker = await latestEventId(t.stripe);
    const percent = await t.stripe.coupons.create({ percent_off: 25.5, duration: 'repeating', duration_in_months: 3 });
    expect(percent).toMatchObject({
      object: 'coupon',
      percent_off: 25.5,
      amount_off: null,
      currency: null,
      duration: 'repeating',
      duration_in_months: 3,
      max_redemptions: null,
      redeem_by: null,
      times_redeemed: 0,
      valid: true,
      livemode: false,
    });
    expect(percent.id).toMatch(/^[A-Z0-9]{8}$/);
    const fixed = await t.stripe.coupons.create({ id: 'five_off', amount_off: 500, currency: 'USD', name: '$5 off' });
    expect(fixed).toMatchObject({ id: 'five_off', amount_off: 500, currency: 'usd', duration: 'once' });

    const renamed = await t.stripe.coupons.update('five_off', { name: 'Five off', metadata: { team: 'growth' } });
    expect(renamed).toMatchObject({ name: 'Five off', metadata: { team: 'growth' }, amount_off: 500 });
    expect((await t.stripe.coupons.retrieve(percent.id)).percent_off).toBe(25.5);
    const listed = await t.stripe.coupons.list({ limit: 100 });
    expect(listed.data.map((coupon) => coupon.id)).toEqual(
      expect.arrayContaining(['five_off', percent.id, 'friend20']),
    );

    await expect(t.stripe.coupons.del('five_off')).resolves.toMatchObject({ id: 'five_off', deleted: true });
    await expect(t.stripe.coupons.retrieve('five_off')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such coupon: 'five_off'",
    });
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual([
      'coupon.created',
      'coupon.created',
      'coupon.updated',
      'coupon.deleted',
    ]);
  });

  it('refuses a coupon without an amount, with both amounts, or repeating without months', async () => {
    await expect(t.stripe.coupons.create({ duration: 'forever' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'percent_off',
    });
    await expect(t.stripe.coupons.create({ percent_off: 10, amount_off: 100, currency: 'usd' })).rejects.toMatchObject({
      statusCode: 400,
      message: 'You may only specify one of these parameters: amount_off, percent_off.',
    });
    await expect(t.stripe.coupons.create({ amount_off: 100 })).rejects.toMatchObject({ param: 'currency' });
    await expect(t.stripe.coupons.create({ percent_off: 10, duration: 'repeating' })).rejects.toMatchObject({
      param: 'duration_in_months',
    });
    await expect(t.stripe.coupons.create({ percent_off: 120 })).rejects.toMatchObject({ param: 'percent_off' });
  });

  it('marks a coupon invalid once it has no redemptions left', async () => {
    const coupon = await t.stripe.coupons.create({ percent_off: 10, max_redemptions: 1 });
    await subscribe(t, { discounts: [{ coupon: coupon.id }] });
    expect(await t.stripe.coupons.retrieve(coupon.id)).toMatchObject({ times_redeemed: 1, valid: false });
    await expect(createSubscriptionSession(t.stripe, { discounts: [{ coupon: coupon.id }] })).rejects.toMatchObject({
      statusCode: 400,
      param: 'discounts[0][coupon]',
    });
  });
});

describe('promotion codes', () => {
  it('serves the seeded FRIEND20 (20% off, forever) by its code, whatever its case', async () => {
    const { data } = await t.stripe.promotionCodes.list({
      code: 'friend20',
      active: true,
      limit: 1,
      expand: ['data.promotion.coupon'],
    });
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      object: 'promotion_code',
      code: 'FRIEND20',
      active: true,
      expires_at: null,
      max_redemptions: null,
      customer: null,
      restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
      promotion: { type: 'coupon', coupon: { id: 'friend20', percent_off: 20, duration: 'forever', valid: true } },
    });
    expect(data[0]?.id).toMatch(/^promo_/);
  });

  it('creates, retrieves, updates and filters promotion codes, with their events in order', async () => {
    const marker = await latestEventId(t.stripe);
    const coupon = await t.stripe.coupons.create({ percent_off: 50, duration: 'once' });
    const customer = await t.stripe.customers.create({ email: 'vip@example.com' });
    const expiresAt = (await t.emulator.now()) + 7 * DAY;
    const code = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'HALFOFF',
      customer: customer.id,
      expires_at: expiresAt,
      max_redemptions: 5,
      restrictions: { first_time_transaction: true },
    });
    expect(code).toMatchObject({
      code: 'HALFOFF',
      active: true,
      customer: customer.id,
      expires_at: expiresAt,
      max_redemptions: 5,
      times_redeemed: 0,
      restrictions: { first_time_transaction: true },
      promotion: { type: 'coupon', coupon: coupon.id },
    });
    await expect(
      t.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'halfoff' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'code' });

    expect((await t.stripe.promotionCodes.retrieve(code.id)).code).toBe('HALFOFF');
    const byCoupon = await t.stripe.promotionCodes.list({ coupon: coupon.id });
    expect(byCoupon.data.map((entry) => entry.id)).toEqual([code.id]);
    const byCustomer = await t.stripe.promotionCodes.list({ customer: customer.id });
    expect(byCustomer.data.map((entry) => entry.id)).toEqual([code.id]);

    const inactive = await t.stripe.promotionCodes.update(code.id, { active: false });
    expect(inactive.active).toBe(false);
    expect((await t.stripe.promotionCodes.list({ code: 'halfoff', active: true })).data).toEqual([]);
    expect((await t.stripe.promotionCodes.list({ code: 'halfoff', active: false })).data).toHaveLength(1);

    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual([
      'coupon.created',
      'customer.created',
      'promotion_code.created',
      'promotion_code.updated',
    ]);
    await expect(t.stripe.promotionCodes.retrieve('promo_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(
      t.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'nope' } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'promotion[coupon]' });
  });

  it("deactivates a deleted coupon's codes", async () => {
    const code = await promotionFor(t.stripe, { percent_off: 5 });
    const couponId = code.promotion.coupon as string;
    await t.stripe.coupons.del(couponId);
    expect((await t.stripe.promotionCodes.retrieve(code.id)).active).toBe(false);
  });
});

describe('discounted checkout', () => {
  it('discounts the session and refuses allow_promotion_codes together with discounts', async () => {
    const [friend] = (await t.stripe.promotionCodes.list({ code: 'FRIEND20', limit: 1 })).data;
    if (!friend) throw new Error('FRIEND20 is not seeded');
    const session = await createSubscriptionSession(t.stripe, { discounts: [{ promotion_code: friend.id }] });
    expect(session).toMatchObject({
      amount_subtotal: 2900,
      amount_total: 2320,
      total_details: { amount_discount: 580 },
      discounts: [{ coupon: null, promotion_code: friend.id }],
    });
    const lineItems = await t.stripe.checkout.sessions.listLineItems(session.id);
    expect(lineItems.data[0]).toMatchObject({ amount_subtotal: 2900, amount_discount: 580, amount_total: 2320 });

    await expect(
      createSubscriptionSession(t.stripe, { discounts: [{ promotion_code: friend.id }], allow_promotion_codes: true }),
    ).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      message: 'You may only specify one of these parameters: allow_promotion_codes, discounts.',
    });
    const vip = await t.stripe.customers.create({ email: 'vip-only@example.com' });
    const vipCode = await promotionFor(t.stripe, { percent_off: 30 });
    const restricted = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: vipCode.promotion.coupon as string },
      customer: vip.id,
    });
    await expect(
      createSubscriptionSession(t.stripe, { discounts: [{ promotion_code: restricted.id }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'discounts[0][promotion_code]' });
    const forVip = await createSubscriptionSession(t.stripe, {
      customer: vip.id,
      customer_email: undefined,
      discounts: [{ promotion_code: restricted.id }],
    });
    expect(forVip.amount_total).toBe(2030);
    await expect(
      createSubscriptionSession(t.stripe, { discounts: [{ promotion_code: 'promo_unknown' }] }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'discounts[0][promotion_code]' });
  });

  it('puts the discount on the subscription and the first invoice, and counts the redemption', async () => {
    const code = await promotionFor(t.stripe, { percent_off: 20, duration: 'forever' });
    const subscription = await subscribe(t, { discounts: [{ promotion_code: code.id }] });
    expect(subscription.discounts).toHaveLength(1);
    const expanded = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['discounts'] });
    expect(expanded.discounts[0]).toMatchObject({
      object: 'discount',
      promotion_code: code.id,
      source: { type: 'coupon', coupon: code.promotion.coupon },
      subscription: subscription.id,
      end: null,
    });
    const [invoice] = await invoicesOf(t.stripe, subscription.id);
    const discountId = subscription.discounts[0];
    expect(invoice).toMatchObject({
      subtotal: 2900,
      total: 2320,
      amount_due: 2320,
      amount_paid: 2320,
      discounts: [discountId],
      total_discount_amounts: [{ amount: 580, discount: discountId }],
    });
    expect(invoice?.lines.data[0]?.discount_amounts).toEqual([{ amount: 580, discount: discountId }]);
    expect((await t.stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(1);
    // The next renewal's preview is discounted too, as the renewal itself will be.
    const preview = await t.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(preview).toMatchObject({ subtotal: 2900, total: 2320, discounts: [discountId] });
  });

  it('applies a forever coupon to every renewal and a once coupon only to the first invoice', async () => {
    const local = await startTestEmulator();
    try {
      const forever = await promotionFor(local.stripe, { percent_off: 20, duration: 'forever' });
      const once = await promotionFor(local.stripe, { amount_off: 1000, currency: 'usd', duration: 'once' });
      const repeating = await promotionFor(local.stripe, {
        percent_off: 50,
        duration: 'repeating',
        duration_in_months: 2,
      });
      const subscriptions = {
        forever: await subscribe(local, { discounts: [{ promotion_code: forever.id }] }),
        once: await subscribe(local, { discounts: [{ promotion_code: once.id }] }),
        repeating: await subscribe(local, { discounts: [{ promotion_code: repeating.id }] }),
      };
      for (let month = 0; month < 3; month++) await local.emulator.advanceClock(31 * DAY);

      const paid = async (id: string) => (await invoicesOf(local.stripe, id)).map((invoice) => invoice.amount_paid);
      expect(await paid(subscriptions.forever.id)).toEqual([2320, 2320, 2320, 2320]);
      expect(await paid(subscriptions.once.id)).toEqual([1900, 2900, 2900, 2900]);
      expect(await paid(subscriptions.repeating.id)).toEqual([1450, 1450, 2900, 2900]);
      const onceNow = await local.stripe.subscriptions.retrieve(subscriptions.once.id);
      expect(onceNow.discounts).toEqual([]);
    } finally {
      await local.emulator.close();
    }
  });

  it('lets the customer apply a code on the hosted page when allow_promotion_codes is set', async () => {
    const session = await createSubscriptionSession(t.stripe, { allow_promotion_codes: true });
    const page = await (await fetch(session.url ?? '')).text();
    expect(page).toContain('Promotion code');
    const apply = (code: string) =>
      fetch(`${session.url}/promotion_code`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ code }).toString(),
      });
    const refused = await apply('NOSUCHCODE');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('This code is invalid.');
    expect((await apply('friend20')).status).toBe(303);
    const discounted = await t.stripe.checkout.sessions.retrieve(session.id);
    expect(discounted).toMatchObject({ amount_total: 2320, total_details: { amount_discount: 580 } });
    expect(await (await fetch(session.url ?? '')).text()).toContain('Discount (FRIEND20)');
    const completed = await completeSession(t.emulator, session.id);
    const [invoice] = await invoicesOf(t.stripe, completed.subscription as string);
    expect(invoice?.amount_paid).toBe(2320);
  });
});
