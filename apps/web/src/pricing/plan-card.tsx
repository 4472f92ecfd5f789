import { useId } from 'react';
import { Button } from '../ui/button';
import { describePlan, formatInterval, formatPrice, type Plan } from './format-price';

/** `subscribe` goes to checkout; with a live subscription, its own plan is `current` and the others `change`. */
export type PlanCardAction = 'subscribe' | 'change' | 'current';

interface PlanCardProps {
  /** The product's plan for the cadence chosen on the page. */
  plan: Plan;
  action: PlanCardAction;
  onChoose: (plan: Plan) => void;
  /** This card's checkout is being created. */
  redirecting: boolean;
  /** Another card's checkout is; one checkout at a time. */
  disabled: boolean;
  /** Percent saved by paying yearly, shown on a yearly plan. */
  yearlySaving?: number | null;
}

/** One product: its name, description and features from Stripe, and the price of the chosen plan. */
export function PlanCard({ plan, action, onChoose, redirecting, disabled, yearlySaving = null }: PlanCardProps) {
  const id = useId();
  const current = action === 'current';
  return (
    <article
      className={current ? 'card plan-card plan-card-current' : 'card plan-card'}
      aria-labelledby={`${id}-name ${id}-price`}
    >
      <h2 id={`${id}-name`} className="plan-name">
        {plan.productName}
      </h2>
      {plan.productDescription && <p className="plan-description">{plan.productDescription}</p>}
      <p id={`${id}-price`} className="plan-price">
        <span className="plan-amount">{formatPrice(plan.unitAmount, plan.currency)}</span>{' '}
        <span className="plan-interval">{formatInterval(plan.interval, plan.intervalCount)}</span>
      </p>
      {yearlySaving !== null && plan.interval === 'year' && <p className="badge plan-saving">Save {yearlySaving}%</p>}
      {plan.features.length > 0 && (
        <ul className="plan-features" aria-label={`${plan.productName} includes`}>
          {plan.features.map((feature) => (
            <li key={feature}>{feature}</li>
          ))}
        </ul>
      )}
      {current && <p className="badge plan-current">Current plan</p>}
      {action === 'change' && (
        <Button variant="secondary" aria-label={`Change plan to ${describePlan(plan)}`} onClick={() => onChoose(plan)}>
          Change plan
        </Button>
      )}
      {action === 'subscribe' && (
        <Button
          aria-label={redirecting ? 'Redirecting to checkout…' : `Subscribe to ${describePlan(plan)}`}
          pending={redirecting}
          pendingLabel="Redirecting…"
          disabled={disabled}
          onClick={() => onChoose(plan)}
        >
          Subscribe
        </Button>
      )}
    </article>
  );
}
