import { describePlan, formatInterval, formatPrice, type Plan } from '../pricing/format-price';
import type { RouterOutputs } from '../trpc';

export type Subscription = NonNullable<RouterOutputs['billing']['subscription']>;

export function formatDate(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso));
}

/** A subscription that will not bill again ends at the period's end rather than renewing. */
function periodEndLabel(subscription: Subscription): string {
  if (subscription.status === 'canceled') return 'Ended on';
  return subscription.cancelAtPeriodEnd ? 'Ends on' : 'Renews on';
}

const BILLED: Record<NonNullable<Subscription['interval']>, string> = {
  day: 'Daily',
  week: 'Weekly',
  month: 'Monthly',
  year: 'Yearly',
};

/** What the trial's end brings: the first charge, or (no card, TRIAL_REQUIRES_CARD=false) the end. */
function afterTrial(subscription: Subscription, plan: Plan | undefined): string {
  if (subscription.endsWithTrial) return '. No card on file: the subscription ends then.';
  if (!plan) return ', then the plan renews at its price.';
  return `, then ${formatPrice(plan.unitAmount, plan.currency)} ${formatInterval(plan.interval, plan.intervalCount)}.`;
}

interface SubscriptionSummaryProps {
  subscription: Subscription;
  /** The plans on offer, to name the plan a pending change moves to. */
  plans?: readonly Plan[] | undefined;
}

export function SubscriptionSummary({ subscription, plans }: SubscriptionSummaryProps) {
  const { pendingChange } = subscription;
  const pendingPlan = pendingChange && plans?.find((plan) => plan.priceId === pendingChange.priceId);
  // During a trial the period end is the trial end, which the trial notice below says.
  const trialEnd = subscription.status === 'trialing' ? subscription.trialEnd : null;
  const plan = plans?.find((candidate) => candidate.priceId === subscription.priceId);
  return (
    <div className="card stack">
      <dl className="summary">
        <div>
          <dt>Plan</dt>
          <dd>{subscription.productName ?? subscription.priceId}</dd>
        </div>
        {subscription.interval && (
          <div>
            <dt>Billed</dt>
            <dd>{BILLED[subscription.interval]}</dd>
          </div>
        )}
        <div>
          <dt>Status</dt>
          {/* Stripe's own word, so it matches what support and the Stripe dashboard say. */}
          <dd>
            <span className={`status status-${subscription.status}`}>{subscription.status}</span>
          </dd>
        </div>
        {subscription.currentPeriodEnd && !trialEnd && (
          <div>
            <dt>{periodEndLabel(subscription)}</dt>
            <dd>
              <time dateTime={subscription.currentPeriodEnd}>{formatDate(subscription.currentPeriodEnd)}</time>
            </dd>
          </div>
        )}
      </dl>
      {trialEnd && (
        <p className="notice notice-info trial-end">
          Trial ends on <time dateTime={trialEnd}>{formatDate(trialEnd)}</time>
          {afterTrial(subscription, plan)}
        </p>
      )}
      {pendingChange && (
        <p className="notice notice-info pending-change">
          Changes to {pendingPlan ? describePlan(pendingPlan) : pendingChange.priceId} on{' '}
          <time dateTime={pendingChange.effectiveAt}>{formatDate(pendingChange.effectiveAt)}</time>
        </p>
      )}
      {subscription.cancelAtPeriodEnd && subscription.status !== 'canceled' && (
        <p className="notice notice-warning">Cancels at period end</p>
      )}
    </div>
  );
}
