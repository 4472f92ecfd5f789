import { createTRPCRouter, protectedProcedure, publicProcedure } from '@subkit/trpc';
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
    .input(createCheckoutInput)
    .output(createCheckoutOutput)
    .mutation(({ ctx, input }) => createCheckout(ctx, ctx.session.user, input)),

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
