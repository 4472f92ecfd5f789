import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import {
  type AppliedCoupon,
  buildDiscount,
  couponAmounts,
  discountCouponId,
  promotionCouponId,
  refreshCouponValidity,
  unredeemableReason,
} from '../objects/coupon';
import type { CheckoutSession, Coupon, Discount, PromotionCode, Subscription } from '../wire';

/** The coupon behind an id, even a deleted one: discounts made from it keep applying. */
export function couponOf(ctx: EmulatorContext, id: string): Coupon {
  const coupon = ctx.store.coupons.get(id) ?? ctx.store.deletedCoupons.get(id);
  if (!coupon) throw new Error(`Coupon ${id} is missing from the store.`);
  return coupon;
}

/** "A promotion code is only active if the coupon is also valid" (stripe-node `PromotionCode.active`). */
export function refreshPromotionCode(ctx: EmulatorContext, code: PromotionCode): PromotionCode {
  const couponId = promotionCouponId(code);
  const coupon = ctx.store.coupons.get(couponId);
  if (!coupon || !refreshCouponValidity(coupon, ctx.clock.now()).valid) code.active = false;
  return code;
}

/** Codes are unique among active ones regardless of case, and the list's `code` filter is case-insensitive. */
export const sameCode = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The one active promotion code a customer typed, as the hosted page looks it up. */
export function activeCodeNamed(ctx: EmulatorContext, typed: string): PromotionCode | undefined {
  return ctx.store.promotionCodes
    .all()
    .map((code) => refreshPromotionCode(ctx, code))
    .find((code) => code.active && sameCode(code.code, typed));
}

/** What a session's `discounts[0]` names: a coupon, or a promotion code and its coupon. */
export interface SessionDiscount {
  coupon: Coupon;
  promotionCode: PromotionCode | null;
}

/** Throws Stripe's 400 when the code (or coupon) cannot be redeemed now. */
export function assertRedeemable(ctx: EmulatorContext, discount: SessionDiscount, param?: string): void {
  const now = ctx.clock.now();
  const reason = discount.promotionCode
    ? unredeemableReason(discount.promotionCode, discount.coupon, now)
    : refreshCouponValidity(discount.coupon, now).valid
      ? undefined
      : `The coupon \`${discount.coupon.id}\` is no longer valid.`;
  if (reason) throw invalidRequest(reason, param);
}

/** The discount a session carries, read back from its `discounts` field. */
export function sessionDiscount(ctx: EmulatorContext, session: CheckoutSession): SessionDiscount | null {
  const [entry] = session.discounts ?? [];
  if (!entry) return null;
  const promotionId = typeof entry.promotion_code === 'string' ? entry.promotion_code : entry.promotion_code?.id;
  const promotionCode = promotionId ? (ctx.store.promotionCodes.get(promotionId) ?? null) : null;
  const couponId = promotionCode
    ? promotionCouponId(promotionCode)
    : typeof entry.coupon === 'string'
      ? entry.coupon
      : entry.coupon?.id;
  return couponId ? { coupon: couponOf(ctx, couponId), promotionCode } : null;
}

/**
 * Puts a discount on an open session: `discounts` (what was asked for, as given), each line item's
 * `amount_discount` and `amount_total`, and the session's `total_details.amount_discount` and
 * `amount_total`. The hosted page calls it too when the customer enters a code.
 */
export function discountSession(ctx: EmulatorContext, session: CheckoutSession, discount: SessionDiscount): void {
  session.discounts = [
    discount.promotionCode
      ? { coupon: null, promotion_code: discount.promotionCode.id }
      : { coupon: discount.coupon.id, promotion_code: null },
  ];
  const items = ctx.store.checkoutLineItems.get(session.id) ?? [];
  const currency = session.currency ?? 'usd';
  const off = couponAmounts(
    discount.coupon,
    items.map((item) => item.amount_subtotal),
    currency,
  );
  items.forEach((item, index) => {
    item.amount_discount = off[index] ?? 0;
    item.amount_total = item.amount_subtotal - item.amount_discount;
  });
  const amountDiscount = off.reduce((sum, amount) => sum + amount, 0);
  session.total_details = { amount_discount: amountDiscount, amount_shipping: 0, amount_tax: 0 };
  session.amount_total = (session.amount_subtotal ?? 0) - amountDiscount;
}

/**
 * Redeems the session's discount for a new subscription: a `discount` object on the subscription
 * (`discounts` holds its id, expandable) and one more redemption on the coupon and the code.
 */
export function applyDiscount(ctx: EmulatorContext, discount: SessionDiscount, subscription: Subscription): Discount {
  assertRedeemable(ctx, discount);
  const now = ctx.clock.now();
  const applied = ctx.store.discounts.insert(
    buildDiscount({
      coupon: discount.coupon,
      promotionCode: discount.promotionCode?.id ?? null,
      customer: typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id,
      subscription: subscription.id,
      start: now,
    }),
  );
  discount.coupon.times_redeemed += 1;
  refreshCouponValidity(discount.coupon, now);
  if (discount.promotionCode) discount.promotionCode.times_redeemed += 1;
  subscription.discounts = [...subscription.discounts, applied.id];
  return applied;
}

/**
 * The discounts an invoice of this subscription dated `at` gets: those on the subscription whose
 * `end` (repeating coupons) has not passed. Previews read them too, without changing anything.
 */
export function liveDiscounts(ctx: EmulatorContext, subscription: Subscription, at: number): AppliedCoupon[] {
  return subscription.discounts.flatMap((entry) => {
    const discount = ctx.store.discounts.get(typeof entry === 'string' ? entry : entry.id);
    if (!discount || (discount.end !== null && discount.end <= at)) return [];
    return [{ discount, coupon: couponOf(ctx, discountCouponId(discount)) }];
  });
}

/** `liveDiscounts` for a real invoice: the ended ones leave the subscription, as on Stripe. */
export function invoiceDiscounts(ctx: EmulatorContext, subscription: Subscription, at: number): AppliedCoupon[] {
  const live = liveDiscounts(ctx, subscription, at);
  if (live.length !== subscription.discounts.length) subscription.discounts = live.map(({ discount }) => discount.id);
  return live;
}

/** A `once` coupon is spent by the first invoice it discounted; Stripe then ends the discount. */
export function spendOnceDiscounts(subscription: Subscription, used: readonly AppliedCoupon[]): void {
  const spent = new Set(used.filter(({ coupon }) => coupon.duration === 'once').map(({ discount }) => discount.id));
  if (spent.size === 0) return;
  subscription.discounts = subscription.discounts.filter(
    (entry) => !spent.has(typeof entry === 'string' ? entry : entry.id),
  );
}
