import { Link } from '@tanstack/react-router';
import type { Plan } from '../pricing/format-price';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { type Subscription, SubscriptionSummary } from './subscription-summary';

export type SubscriptionView =
  | { kind: 'loading' }
  /** Back from checkout, waiting for Stripe's webhook to record the subscription. */
  | { kind: 'confirming' }
  | { kind: 'confirmation-timed-out' }
  | { kind: 'none' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'subscribed'; subscription: Subscription };

interface SubscriptionPanelProps {
  view: SubscriptionView;
  onCheckAgain: () => void;
  plans?: readonly Plan[] | undefined;
}

export function SubscriptionPanel({ view, onCheckAgain, plans }: SubscriptionPanelProps) {
  switch (view.kind) {
    case 'loading':
      return <p role="status">Loading your subscription…</p>;
    case 'confirming':
      return (
        <p className="notice notice-info confirming" role="status">
          <span className="spinner" aria-hidden="true" />
          Confirming your subscription…
        </p>
      );
    case 'confirmation-timed-out':
      return (
        <div className="stack">
          <p className="notice notice-warning" role="alert">
            Your payment is taking longer than usual to confirm. You will not be charged twice; check again in a minute.
          </p>
          <p>
            <Button variant="secondary" onClick={onCheckAgain}>
              Check again
            </Button>
          </p>
        </div>
      );
    case 'none':
      return (
        <p>
          You don't have a subscription yet. <Link to="/pricing">See the plans</Link>
        </p>
      );
    case 'failed':
      return <ErrorMessage error={view.error} />;
    case 'subscribed':
      return <SubscriptionSummary subscription={view.subscription} plans={plans} />;
  }
}
