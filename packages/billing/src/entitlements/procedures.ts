import { protectedProcedure } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import { BILLING_ERROR_CODES } from '../error-codes';
import { entitlementsOf } from './entitlements';

/**
 * A signed-in procedure for subscribers only (active, trialing or past_due): others get 403
 * "A subscription is required". The procedure sees the caller's `ctx.entitlements`. Its REST twin,
 * which calls the same procedure, is gated the same way.
 */
export const subscribedProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const entitlements = await entitlementsOf(ctx, ctx.session.user.id);
  if (!entitlements.subscribed) throw new TRPCError(BILLING_ERROR_CODES.SUBSCRIPTION_REQUIRED);
  return next({ ctx: { entitlements } });
});

/**
 * A procedure for subscribers whose plan includes `feature` (a marketing feature name of the plan's
 * Stripe product, compared exactly): others get 403 "Your plan does not include <feature>".
 */
export const entitledProcedure = (feature: string) =>
  subscribedProcedure.use(({ ctx, next }) => {
    if (!ctx.entitlements.features.includes(feature)) {
      throw new TRPCError(BILLING_ERROR_CODES.FEATURE_NOT_INCLUDED(feature));
    }
    return next();
  });
