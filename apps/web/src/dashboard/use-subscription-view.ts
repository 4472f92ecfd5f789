import { useEffect, useState } from 'react';
import { trpc } from '../trpc';
import type { SubscriptionView } from './subscription-panel';

// Stripe usually delivers the checkout webhook within a second or two; half a minute without it
// means something is wrong and the person deserves to be told rather than watch a spinner.
const POLL_INTERVAL_MS = 1_000;
const CONFIRMATION_TIMEOUT_MS = 30_000;

/**
 * The subscription, and what to show for it. Returning from checkout, the webhook that records the
 * subscription may not have landed yet, so an empty answer then means "not yet" and is polled.
 */
export function useSubscriptionView(returningFromCheckout: boolean) {
  const [waitStartedAt, setWaitStartedAt] = useState(() => Date.now());
  const [timedOut, setTimedOut] = useState(false);

  useEffect(() => {
    if (!returningFromCheckout) return;
    const remaining = waitStartedAt + CONFIRMATION_TIMEOUT_MS - Date.now();
    const timer = window.setTimeout(() => setTimedOut(true), Math.max(remaining, 0));
    return () => window.clearTimeout(timer);
  }, [returningFromCheckout, waitStartedAt]);

  const waiting = returningFromCheckout && !timedOut;
  const query = trpc.billing.subscription.useQuery(undefined, {
    refetchInterval: (current) => (waiting && !current.state.data ? POLL_INTERVAL_MS : false),
  });

  const checkAgain = () => {
    setTimedOut(false);
    setWaitStartedAt(Date.now());
    void query.refetch();
  };

  let view: SubscriptionView;
  if (query.data) view = { kind: 'subscribed', subscription: query.data };
  else if (waiting) view = { kind: 'confirming' };
  else if (query.data === null) view = returningFromCheckout ? { kind: 'confirmation-timed-out' } : { kind: 'none' };
  else if (query.isError) view = { kind: 'failed', error: query.error };
  else view = { kind: 'loading' };

  return { view, checkAgain };
}
