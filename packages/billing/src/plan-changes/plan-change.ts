import type { AppServices, SessionUser } from '@subkit/core';
import { planChangePreviews } from '@subkit/db';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { z } from 'zod';
import { offeredPrice } from '../catalog/plans';
import type { PriceInfo } from '../catalog/prices';
import { BILLING_ERROR_CODES } from '../error-codes';
import { idempotentMutation, type StripeKeyFor } from '../idempotency/idempotent-mutation';
import { toBillingError } from '../stripe/errors';
import { currentSubscription, type SubscriptionSummary } from '../subscriptions/current-subscription';
import { endsAtPeriodEnd, withdrawCancellation } from '../subscriptions/scheduled-cancellation';
import { scheduledChangeOf } from '../subscriptions/scheduled-change';
import { refreshSubscription } from '../subscriptions/sync-subscription';
import { isUpgrade } from './compare-prices';
import { type LiveSubscription, liveSubscription } from './live-subscription';
import { discountedRenewal } from './next-invoice';
import type { changePlanInput, PreviewPlanChangeOutput, previewPlanChangeInput } from './schemas';

/**
 * How long a preview's proration date is honoured by the change that follows it. Stripe prorates
 * to the second, so the change reuses the preview's date and charges exactly what was shown
 * (Stripe's advice: https://docs.stripe.com/billing/subscriptions/prorations#preview-proration).
 */
const PREVIEW_LIFETIME_MS = 10 * 60_000;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const stripeFailure = (error: unknown): never => {
  throw toBillingError(error);
};

/**
 * What changing to `priceId` would do. An upgrade is priced by Stripe's invoice preview of the
 * immediate, prorated invoice (`always_invoice`), exactly as changePlan will invoice it; a
 * downgrade charges nothing now and bills the new price from the period end.
 */
export async function previewPlanChange(
  services: AppServices,
  user: SessionUser,
  input: z.output<typeof previewPlanChangeInput>,
): Promise<PreviewPlanChangeOutput> {
  const live = await liveSubscription(services, user.id);
  const next = await offeredPrice(services, input.priceId);
  const { item, subscription } = live;
  const quantity = item.quantity ?? 1;
  const renewal = (next.unitAmount ?? 0) * quantity;
  const atPeriodEnd = {
    priceId: next.id,
    amountDue: 0,
    currency: next.currency,
    nextInvoiceAmount: discountedRenewal(subscription, renewal, item.current_period_end),
    nextInvoiceAt: iso(item.current_period_end),
  };
  if (next.id === live.price.id) {
    if (!scheduledChangeOf(subscription).pendingPriceId) throw new TRPCError(BILLING_ERROR_CODES.ALREADY_ON_PLAN);
    // Choosing the current price only drops the pending change: nothing moves, nothing is charged.
    return { ...atPeriodEnd, effective: 'now' };
  }
  if (!isUpgrade(live.price, next)) return { ...atPeriodEnd, effective: 'period_end' };
  const invoice = await services.stripe.invoices
    .createPreview({
      customer: typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id,
      subscription: subscription.id,
      subscription_details: { items: [{ id: item.id, price: next.id }], proration_behavior: 'always_invoice' },
    })
    .catch(stripeFailure);
  // Stripe's clock, not ours, dates the proration: its lines start at the proration date.
  const prorationDate = invoice.lines.data.find(isProration)?.period.start;
  if (prorationDate !== undefined) await rememberPreview(services, subscription.id, next.id, prorationDate);
  // A new interval restarts the cycle: the regular (non-proration) line then covers the new period.
  const newPeriod = invoice.lines.data.find((line) => !isProration(line));
  const nextInvoiceAt = newPeriod?.period.end ?? item.current_period_end;
  return {
    ...atPeriodEnd,
    effective: 'now',
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    nextInvoiceAmount: discountedRenewal(subscription, renewal, nextInvoiceAt),
    nextInvoiceAt: iso(nextInvoiceAt),
  };
}

/** Kept in the database, so the change may reach any server process and still match the preview. */
async function rememberPreview(
  { db }: Pick<AppServices, 'db'>,
  subscriptionId: string,
  priceId: string,
  prorationDate: number,
): Promise<void> {
  await db
    .insert(planChangePreviews)
    .values({ subscriptionId, priceId, prorationDate })
    .onConflictDoUpdate({
      target: [planChangePreviews.subscriptionId, planChangePreviews.priceId],
      set: { prorationDate, createdAt: sql`now()` },
    });
}

async function previewedProrationDate(
  { db, now }: Pick<AppServices, 'db' | 'now'>,
  subscriptionId: string,
  priceId: string,
): Promise<number | undefined> {
  const [preview] = await db
    .select({ prorationDate: planChangePreviews.prorationDate })
    .from(planChangePreviews)
    .where(
      and(
        eq(planChangePreviews.subscriptionId, subscriptionId),
        eq(planChangePreviews.priceId, priceId),
        gt(planChangePreviews.createdAt, new Date(now().getTime() - PREVIEW_LIFETIME_MS)),
      ),
    );
  return preview?.prorationDate;
}

function isProration(line: Stripe.InvoiceLineItem): boolean {
  const parent = line.parent;
  return Boolean(parent?.subscription_item_details?.proration || parent?.invoice_item_details?.proration);
}

/**
 * Moves the user's subscription to `priceId`. Upgrades apply now, prorated and invoiced at once;
 * with `pending_if_incomplete` a declined payment leaves the old price in place (Stripe keeps the
 * change pending until the invoice is paid or 23 hours pass) and the caller is told. Downgrades
 * wait for the period end in a subscription schedule. Choosing the current price while a change
 * is pending drops the change. An upgrade previewed in the last ten minutes is prorated from the
 * preview's date, so it charges exactly the previewed amount.
 */
export function changePlan(
  services: AppServices,
  user: SessionUser,
  input: z.output<typeof changePlanInput>,
  idempotencyKey: string | null,
): Promise<SubscriptionSummary> {
  return idempotentMutation(services, user.id, 'changePlan', idempotencyKey, input, async (stripeKeyFor) => {
    const live = await liveSubscription(services, user.id);
    const next = await offeredPrice(services, input.priceId);
    const prorationDate = await previewedProrationDate(services, live.subscription.id, next.id);
    const { scheduleId, pendingPriceId } = scheduledChangeOf(live.subscription);
    if (next.id === live.price.id && !pendingPriceId) {
      throw new TRPCError(BILLING_ERROR_CODES.ALREADY_ON_PLAN);
    }
    // A new choice replaces a pending one; choosing the current price leaves nothing else to do.
    if (scheduleId) await releaseSchedule(services, scheduleId, stripeKeyFor);
    if (next.id !== live.price.id) {
      if (isUpgrade(live.price, next)) await upgrade(services, live, next, prorationDate, stripeKeyFor);
      else await scheduleDowngrade(services, live, next, stripeKeyFor);
    }
    await refreshSubscription(services, live.subscription.id);
    return currentSubscription(services, user.id);
  });
}

async function upgrade(
  services: AppServices,
  { subscription, item }: LiveSubscription,
  next: PriceInfo,
  prorationDate: number | undefined,
  stripeKeyFor: StripeKeyFor,
): Promise<void> {
  const updated = await services.stripe.subscriptions
    .update(
      subscription.id,
      {
        items: [{ id: item.id, price: next.id }],
        proration_behavior: 'always_invoice',
        // A declined payment must not leave the customer on a plan they have not paid for.
        payment_behavior: 'pending_if_incomplete',
        ...(prorationDate !== undefined ? { proration_date: prorationDate } : {}),
      },
      stripeKeyFor('upgrade'),
    )
    .catch(stripeFailure);
  if (updated.pending_update) {
    await refreshSubscription(services, subscription.id);
    throw new TRPCError(BILLING_ERROR_CODES.UPGRADE_PAYMENT_FAILED);
  }
}

/**
 * A schedule takes the subscription over: the current phase runs to the period end at the current
 * price, then one period at the new price, after which the schedule releases the subscription,
 * which renews at the new price as usual.
 */
async function scheduleDowngrade(
  services: AppServices,
  { subscription, item, price }: LiveSubscription,
  next: PriceInfo,
  stripeKeyFor: StripeKeyFor,
): Promise<void> {
  const { stripe } = services;
  const schedule = await stripe.subscriptionSchedules
    .create({ from_subscription: subscription.id }, stripeKeyFor('schedule'))
    .catch(stripeFailure);
  const current = schedule.phases[0];
  if (!current) throw new Error(`Stripe returned schedule ${schedule.id} without a phase`);
  const quantity = item.quantity ?? 1;
  await stripe.subscriptionSchedules
    .update(
      schedule.id,
      {
        end_behavior: 'release',
        phases: [
          { items: [{ price: price.id, quantity }], start_date: current.start_date, end_date: current.end_date },
          {
            items: [{ price: next.id, quantity }],
            duration: { interval: next.interval ?? 'month', interval_count: next.intervalCount },
          },
        ],
      },
      stripeKeyFor('phases'),
    )
    .catch(stripeFailure);
}

export async function releaseSchedule(
  { stripe }: Pick<AppServices, 'stripe'>,
  scheduleId: string,
  stripeKeyFor: StripeKeyFor,
): Promise<void> {
  await stripe.subscriptionSchedules.release(scheduleId, {}, stripeKeyFor('release')).catch(stripeFailure);
}

/**
 * Cancel at period end, or undo that. Stripe refuses `cancel_at_period_end` on a subscription a
 * schedule manages, and a cancellation makes a pending plan change moot, so the schedule is released.
 * A cancellation set in the portal counts whichever way Stripe recorded it (`endsAtPeriodEnd`), and
 * resuming takes back that way's field.
 */
export function setCancelAtPeriodEnd(
  services: AppServices,
  user: SessionUser,
  cancel: boolean,
  idempotencyKey: string | null,
): Promise<SubscriptionSummary> {
  const operation = cancel ? 'cancelSubscription' : 'resumeSubscription';
  return idempotentMutation(services, user.id, operation, idempotencyKey, {}, async (stripeKeyFor) => {
    const { subscription } = await liveSubscription(services, user.id);
    const { scheduleId } = scheduledChangeOf(subscription);
    if (cancel && scheduleId) await releaseSchedule(services, scheduleId, stripeKeyFor);
    const update = cancel
      ? endsAtPeriodEnd(subscription)
        ? null
        : { cancel_at_period_end: true }
      : withdrawCancellation(subscription);
    if (update) {
      await services.stripe.subscriptions.update(subscription.id, update, stripeKeyFor(operation)).catch(stripeFailure);
    }
    await refreshSubscription(services, subscription.id);
    return currentSubscription(services, user.id);
  });
}
