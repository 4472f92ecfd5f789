import { newCouponCode, newId } from '../ids';
import type { Metadata } from '../params';
import type { Coupon, Discount, PromotionCode } from '../wire';
import { addMonths } from './price';

export const COUPON_DURATIONS = ['once', 'repeating', 'forever'] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];

export interface CouponInput {
  id?: string;
  name: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: CouponDuration;
  durationInMonths: number | null;
  maxRedemptions: number | null;
  redeemBy: number | null;
  metadata: Metadata;
  created: number;
}

/** Shaped like fixtures3's `coupon` (stripe-node `Coupon` for the pinned version). */
export function buildCoupon(input: CouponInput): Coupon {
  return {
    id: input.id ?? newCouponCode(),
    object: 'coupon',
    amount_off: input.amountOff,
    created: input.created,
    currency: input.currency,
    duration: input.duration,
    duration_in_months: input.durationInMonths,
    livemode: false,
    max_redemptions: input.maxRedemptions,
    metadata: input.metadata,
    name: input.name,
    percent_off: input.percentOff,
    redeem_by: input.redeemBy,
    times_redeemed: 0,
    valid: true,
  };
}

/**
 * Stripe's `valid`: "Taking account of the above properties, whether this coupon can still be
 * applied to a customer", i.e. neither past `redeem_by` nor out of redemptions. It depends on the
 * clock, so it is refreshed whenever a coupon is read or redeemed.
 */
export function refreshCouponValidity(coupon: Coupon, now: number): Coupon {
  coupon.valid =
    (coupon.redeem_by === null || coupon.redeem_by > now) &&
    (coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions);
  return coupon;
}

export interface PromotionCodeInput {
  code: string | null;
  coupon: string;
  active: boolean;
  customer: string | null;
  expiresAt: number | null;
  maxRedemptions: number | null;
  firstTimeTransaction: boolean;
  minimumAmount: number | null;
  minimumAmountCurrency: string | null;
  metadata: Metadata;
  created: number;
}

/**
 * Shaped like stripe-node's `PromotionCode` for the pinned API version: the coupon sits under
 * `promotion: { type: 'coupon', coupon }` (API 2025-09-30 moved it there from `coupon`).
 */
export function buildPromotionCode(input: PromotionCodeInput): PromotionCode {
  return {
    id: newId('promo'),
    object: 'promotion_code',
    active: input.active,
    code: input.code ?? newCouponCode(),
    created: input.created,
    customer: input.customer,
    customer_account: null,
    expires_at: input.expiresAt,
    livemode: false,
    max_redemptions: input.maxRedemptions,
    metadata: input.metadata,
    promotion: { coupon: input.coupon, type: 'coupon' },
    restrictions: {
      first_time_transaction: input.firstTimeTransaction,
      minimum_amount: input.minimumAmount,
      minimum_amount_currency: input.minimumAmountCurrency,
    },
    times_redeemed: 0,
  };
}

export const promotionCouponId = (code: PromotionCode): string => {
  const { coupon } = code.promotion;
  if (coupon === null) throw new Error(`Promotion code ${code.id} has no coupon.`);
  return typeof coupon === 'string' ? coupon : coupon.id;
};

export const discountCouponId = (discount: Discount): string => {
  const { coupon } = discount.source;
  if (coupon === null) throw new Error(`Discount ${discount.id} has no coupon.`);
  return typeof coupon === 'string' ? coupon : coupon.id;
};

/**
 * Why a promotion code cannot be redeemed now, or undefined when it can. Stripe checks the code's
 * own state, its expiry and redemptions, and its coupon's validity.
 */
export function unredeemableReason(code: PromotionCode, coupon: Coupon, now: number): string | undefined {
  if (!code.active) return `The promotion code \`${code.code}\` is inactive.`;
  if (code.expires_at !== null && code.expires_at <= now) return `The promotion code \`${code.code}\` has expired.`;
  if (code.max_redemptions !== null && code.times_redeemed >= code.max_redemptions) {
    return `The promotion code \`${code.code}\` has reached its maximum number of redemptions.`;
  }
  if (!refreshCouponValidity(coupon, now).valid) return `The coupon \`${coupon.id}\` is no longer valid.`;
  return undefined;
}

export interface DiscountInput {
  coupon: Coupon;
  promotionCode: string | null;
  customer: string;
  subscription: string;
  start: number;
}

/** A coupon applied to a subscription (fixtures3 `discount`); `end` only for `repeating` coupons. */
export function buildDiscount(input: DiscountInput): Discount {
  const { coupon } = input;
  return {
    id: newId('di'),
    object: 'discount',
    checkout_session: null,
    customer: input.customer,
    customer_account: null,
    end:
      coupon.duration === 'repeating' && coupon.duration_in_months !== null
        ? addMonths(input.start, coupon.duration_in_months)
        : null,
    invoice: null,
    invoice_item: null,
    promotion_code: input.promotionCode,
    source: { coupon: coupon.id, type: 'coupon' },
    start: input.start,
    subscription: input.subscription,
    subscription_item: null,
  };
}

/** A discount on an invoice and the coupon it takes its amounts from. */
export interface AppliedCoupon {
  discount: Discount;
  coupon: Coupon;
}

/**
 * What one coupon takes off each discountable amount: `percent_off` per line, rounded; `amount_off`
 * (same currency only) spread over the lines in proportion to their amounts, never more than they
 * come to. Stripe: "If you set an amount_off, that amount will be subtracted from any invoice's subtotal".
 */
export function couponAmounts(coupon: Coupon, amounts: readonly number[], currency: string): number[] {
  const positive = amounts.map((amount) => Math.max(0, amount));
  if (coupon.percent_off !== null) {
    const percent = coupon.percent_off;
    return positive.map((amount) => Math.round((amount * percent) / 100));
  }
  if (coupon.amount_off === null || coupon.currency !== currency) return positive.map(() => 0);
  const total = positive.reduce((sum, amount) => sum + amount, 0);
  const off = Math.min(coupon.amount_off, total);
  if (off === 0) return positive.map(() => 0);
  const shares = positive.map((amount) => Math.floor((off * amount) / total));
  // Rounding leftovers go to the largest line, so the shares add up to exactly `off`.
  const largest = positive.indexOf(Math.max(...positive));
  shares[largest] = (shares[largest] ?? 0) + off - shares.reduce((sum, share) => sum + share, 0);
  return shares;
}
