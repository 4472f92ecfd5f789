import { type Context, createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from '@subkit/core';
import { noFieldsInput } from '@subkit/core/request-body';
import { listPlans, plansOutput } from './catalog/plans';
import { createCheckout } from './checkout/create-checkout';
import { createCheckoutInput, createCheckoutOutput } from './checkout/schemas';
import { syncCheckout, syncCheckoutInput } from './checkout/sync-checkout';
import { entitlementsOf, entitlementsOutput } from './entitlements/entitlements';
import { listInvoices, listInvoicesInput, listInvoicesOutput } from './invoices/list-invoices';
import { changePlan, previewPlanChange, setCancelAtPeriodEnd } from './plan-changes/plan-change';
import { changePlanInput, previewPlanChangeInput, previewPlanChangeOutput } from './plan-changes/schemas';
import {
  createPortalSession,
  createPortalSessionInput,
  createPortalSessionOutput,
} from './portal/create-portal-session';
import { currentSubscription, subscriptionOutput } from './subscriptions/current-subscription';

// Used on signed-in procedures only; the address is a fallback the types ask for.
const perUser = (ctx: Context) => ctx.session?.user.id ?? ctx.request.ip;

/**
 * Procedures that call Stripe on every call spend one per-user budget, whichever the procedure and
 * transport (tRPC batches included), so no account can spend our Stripe rate limit. Reads that
 * reach Stripe only through the price cache (plans, subscription) do not need it.
 */
const stripeCallingProcedure = protectedProcedure.use(rateLimit('stripe', perUser));

export const billingRouter = createTRPCRouter({
  createCheckout: stripeCallingProcedure
    // On top of the Stripe budget, checkouts keep their own, narrower limit.
    .use(rateLimit('checkout', perUser))
    .input(createCheckoutInput)
    .output(createCheckoutOutput)
    .mutation(({ ctx, input }) => createCheckout(ctx, ctx.session.user, input, ctx.request.idempotencyKey)),

  /** On the way back from checkout: the caller's session synced from Stripe, not waiting for its webhooks. */
  syncCheckout: stripeCallingProcedure
    .input(syncCheckoutInput)
    .output(subscriptionOutput)
    .mutation(({ ctx, input }) => syncCheckout(ctx, ctx.session.user, input.sessionId, ctx.request.log)),

  /** Public: the pricing page is shown before sign-up. */
  plans: publicProcedure.output(plansOutput).query(({ ctx }) => listPlans(ctx)),

  subscription: protectedProcedure
    .output(subscriptionOutput)
    .query(({ ctx }) => currentSubscription(ctx, ctx.session.user.id)),

  /** From the stored subscription and the price cache, like `subscription`: no Stripe budget spent. */
  entitlements: protectedProcedure
    .output(entitlementsOutput)
    .query(({ ctx }) => entitlementsOf(ctx, ctx.session.user.id)),

  createPortalSession: stripeCallingProcedure
    .input(createPortalSessionInput)
    .output(createPortalSessionOutput)
    .mutation(({ ctx, input }) => createPortalSession(ctx, ctx.session.user, input)),

  /** Read from Stripe on each call, so it spends the Stripe budget although it is a query. */
  invoices: stripeCallingProcedure
    .input(listInvoicesInput)
    .output(listInvoicesOutput)
    .query(({ ctx, input }) => listInvoices(ctx, ctx.session.user, input)),

  /** A mutation (POST) although it changes nothing: it calls Stripe, and spends the Stripe budget. */
  previewPlanChange: stripeCallingProcedure
    .input(previewPlanChangeInput)
    .output(previewPlanChangeOutput)
    .mutation(({ ctx, input }) => previewPlanChange(ctx, ctx.session.user, input)),

  changePlan: stripeCallingProcedure
    .input(changePlanInput)
    .output(subscriptionOutput)
    .mutation(({ ctx, input }) => changePlan(ctx, ctx.session.user, input, ctx.request.idempotencyKey)),

  cancelSubscription: stripeCallingProcedure
    .input(noFieldsInput)
    .output(subscriptionOutput)
    .mutation(({ ctx }) => setCancelAtPeriodEnd(ctx, ctx.session.user, true, ctx.request.idempotencyKey)),

  resumeSubscription: stripeCallingProcedure
    .input(noFieldsInput)
    .output(subscriptionOutput)
    .mutation(({ ctx }) => setCancelAtPeriodEnd(ctx, ctx.session.user, false, ctx.request.idempotencyKey)),
});
