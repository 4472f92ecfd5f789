import { useId } from 'react';
import { Button } from '../ui/button';
import { describePlan, formatInterval, formatPrice, type Plan } from './format-price';

interface PlanCardProps {
  plan: Plan;
  onSubscribe: (plan: Plan) => void;
  /** This card's checkout is being created. */
  redirecting: boolean;
  /** Another card's checkout is; one checkout at a time. */
  disabled: boolean;
}

export function PlanCard({ plan, onSubscribe, redirecting, disabled }: PlanCardProps) {
  const id = useId();
  return (
    <article className="card plan-card" aria-labelledby={`${id}-name ${id}-price`}>
      <h2 id={`${id}-name`} className="plan-name">
        {plan.productName}
      </h2>
      <p id={`${id}-price`} className="plan-price">
        <span className="plan-amount">{formatPrice(plan.unitAmount, plan.currency)}</span>{' '}
        <span className="plan-interval">{formatInterval(plan.interval, plan.intervalCount)}</span>
      </p>
      <Button
        aria-label={redirecting ? 'Redirecting to checkout…' : `Subscribe to ${describePlan(plan)}`}
        pending={redirecting}
        pendingLabel="Redirecting…"
        disabled={disabled}
        onClick={() => onSubscribe(plan)}
      >
        Subscribe
      </Button>
    </article>
  );
}
