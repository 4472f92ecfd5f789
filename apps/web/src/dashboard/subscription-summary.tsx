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

export function SubscriptionSummary({ subscription }: { subscription: Subscription }) {
  return (
    <div className="card stack">
      <dl className="summary">
        <div>
          <dt>Plan</dt>
          <dd>{subscription.productName ?? subscription.priceId}</dd>
        </div>
        <div>
          <dt>Status</dt>
          {/* Stripe's own word, so it matches what support and the Stripe dashboard say. */}
          <dd>
            <span className={`status status-${subscription.status}`}>{subscription.status}</span>
          </dd>
        </div>
        {subscription.currentPeriodEnd && (
          <div>
            <dt>{periodEndLabel(subscription)}</dt>
            <dd>
              <time dateTime={subscription.currentPeriodEnd}>{formatDate(subscription.currentPeriodEnd)}</time>
            </dd>
          </div>
        )}
      </dl>
      {subscription.cancelAtPeriodEnd && subscription.status !== 'canceled' && (
        <p className="notice notice-warning">Cancels at period end</p>
      )}
    </div>
  );
}
