import { createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from '@subkit/core';
import { listPlans, plansOutput } from './catalog/plans';
import { createCheckout } from './checkout/create-checkout';
import { createCheckoutInput, createCheckoutOutput } from './checkout/schemas';
import {
  createPortalSession,
  createPortalSessionInput,
  createPortalSessionOutput,
} from './portal/create-portal-session';
import { currentSubscription, subscriptionOutput } from './subscriptions/current-subscription';

export const billingRouter = createTRPCRouter({
  createCheckout: protectedProcedure
    // Every checkout may cost Stripe calls: a per-user budget keeps one account from spending our Stripe rate limit.
    .use(rateLimit('checkout', (ctx) => ctx.session?.user.id ?? ctx.request.ip))
    .input(createCheckoutInput)
    .output(createCheckoutOutput)
    .mutation(({ ctx, input }) => createCheckout(ctx, ctx.session.user, input, ctx.request.idempotencyKey)),

  /** Public: the pricing page is shown before sign-up. */
  plans: publicProcedure.output(plansOutput).query(({ ctx }) => listPlans(ctx)),

  subscription: protectedProcedure
    .output(subscriptionOutput)
    .query(({ ctx }) => currentSubscription(ctx, ctx.session.user.id)),

  createPortalSession: protectedProcedure
    .input(createPortalSessionInput)
    .output(createPortalSessionOutput)
    .mutation(({ ctx, input }) => createPortalSession(ctx, ctx.session.user, input)),
});
