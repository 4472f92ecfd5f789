import type { AppServices, SessionUser } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import type Stripe from 'stripe';
import { BILLING_ERROR_CODES } from '../error-codes';
import { toBillingError } from '../stripe/errors';

/** The discount part of `checkout.sessions.create`: Stripe takes `discounts` or `allow_promotion_codes`, never both. */
export type CheckoutDiscount = Pick<Stripe.Checkout.SessionCreateParams, 'discounts' | 'allow_promotion_codes'>;

/**
 * What the session gets for the caller's `promotionCode`: the code's discount, or (no code) the
 * operator's choice of a code field on Stripe's page. A code that cannot be redeemed throws 400
 * "Invalid promotion code" before any session exists, so the customer learns it here, not on
 * Stripe's page.
 */
export async function checkoutDiscount(
  services: Pick<AppServices, 'stripe' | 'now' | 'settings'>,
  user: Pick<SessionUser, 'stripeCustomerId'>,
  promotionCode: string | undefined,
): Promise<CheckoutDiscount> {
  if (promotionCode === undefined) {
    return services.settings.billing.allowPromotionCodes ? { allow_promotion_codes: true } : {};
  }
  const code = await findRedeemableCode(services, promotionCode);
  // A code kept for one customer is nobody else's; a user without a customer yet cannot be it.
  const onlyFor = typeof code?.customer === 'string' ? code.customer : (code?.customer?.id ?? null);
  if (!code || (onlyFor !== null && onlyFor !== user.stripeCustomerId))
    throw new TRPCError(BILLING_ERROR_CODES.INVALID_PROMOTION_CODE);
  return { discounts: [{ promotion_code: code.id }] };
}

/**
 * Stripe's documented way to turn a customer-facing code into its id: list by `code` (matched
 * regardless of case, stripe-node `PromotionCodeListParams.code`) among active codes. `active`
 * does not cover every limit, so expiry, redemptions and the coupon's `valid` are checked too.
 */
async function findRedeemableCode(
  { stripe, now }: Pick<AppServices, 'stripe' | 'now'>,
  typed: string,
): Promise<Stripe.PromotionCode | null> {
  let code: Stripe.PromotionCode | undefined;
  try {
    const { data } = await stripe.promotionCodes.list({
      code: typed,
      active: true,
      limit: 1,
      expand: ['data.promotion.coupon'],
    });
    code = data[0];
  } catch (error) {
    throw toBillingError(error);
  }
  if (!code) return null;
  const nowSeconds = Math.floor(now().getTime() / 1000);
  const { coupon } = code.promotion;
  const expired = code.expires_at !== null && code.expires_at <= nowSeconds;
  const usedUp = code.max_redemptions !== null && code.times_redeemed >= code.max_redemptions;
  const couponInvalid = typeof coupon === 'object' && coupon !== null && !coupon.valid;
  return expired || usedUp || couponInvalid ? null : code;
}
