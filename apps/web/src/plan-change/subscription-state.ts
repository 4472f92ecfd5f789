import { formatDate, type Subscription } from '../dashboard/subscription-summary';
import { describePlan, type Plan } from '../pricing/format-price';
import { trpc } from '../trpc';

/** Stripe statuses in which the plan can still be changed or cancelled (the server's LIVE_STATUSES). */
const LIVE_STATUSES = ['active', 'trialing', 'past_due'];

export function isLive(subscription: Subscription | null | undefined): subscription is Subscription {
  return subscription != null && LIVE_STATUSES.includes(subscription.status);
}

/** "Starter monthly" for a price on offer; the bare ID for one no longer offered, rather than nothing. */
export function planName(plans: readonly Plan[] | undefined, priceId: string): string {
  const plan = plans?.find((candidate) => candidate.priceId === priceId);
  return plan ? describePlan(plan) : priceId;
}

/**
 * Every plan mutation answers with the subscription as it now is: shown at once (a webhook may
 * still be on its way), then read again so anything else the server knows catches up. What follows
 * from it is read again too: the plan's features (an upgrade keeps the status, so nothing else
 * would tell them to move) and the billing history (an upgrade is invoiced at once).
 */
export function useApplySubscription(): (subscription: Subscription | null) => void {
  const utils = trpc.useUtils();
  return (subscription) => {
    utils.billing.subscription.setData(undefined, subscription);
    void utils.billing.subscription.invalidate();
    void utils.billing.entitlements.invalidate();
    void utils.billing.invoices.invalidate();
  };
}

/** What happened, read from the server's answer rather than from what was asked. */
export function describeOutcome(subscription: Subscription | null, plans: readonly Plan[] | undefined): string {
  if (!subscription) return 'Your subscription has changed.';
  if (subscription.cancelAtPeriodEnd) {
    return subscription.currentPeriodEnd
      ? `Your subscription ends on ${formatDate(subscription.currentPeriodEnd)}.`
      : 'Your subscription ends at the end of this period.';
  }
  if (subscription.pendingChange) {
    return `Your plan changes to ${planName(plans, subscription.pendingChange.priceId)} on ${formatDate(subscription.pendingChange.effectiveAt)}.`;
  }
  return `You're on ${planName(plans, subscription.priceId)}.`;
}
