import { useEffect } from 'react';
import { trpc } from '../trpc';

/**
 * What the current plan includes (its Stripe product's marketing features), from the same
 * entitlements the server gates features on; nothing without a live subscription. `status` is the
 * subscription the dashboard shows: both come from the same stored row, so when it moves on (a
 * checkout confirmed, a payment recovered) the entitlements are read again.
 */
export function PlanFeatures({ status }: { status: string | undefined }) {
  const entitlements = trpc.billing.entitlements.useQuery(undefined, { enabled: status !== undefined });
  const { data, isFetching, refetch } = entitlements;
  const behind = data !== undefined && data.status !== status;
  useEffect(() => {
    if (behind && !isFetching) void refetch();
  }, [behind, isFetching, refetch]);

  const features = data?.subscribed ? data.features : [];
  if (features.length === 0) return null;
  return (
    <div className="stack">
      <p id="plan-features-heading">Your plan includes:</p>
      <ul aria-labelledby="plan-features-heading">
        {features.map((feature) => (
          <li key={feature}>{feature}</li>
        ))}
      </ul>
    </div>
  );
}
