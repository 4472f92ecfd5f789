import { useEffect, useRef, useState } from 'react';
import { trpc } from '../trpc';
import type { SubscriptionView } from './subscription-panel';

// Stripe usually delivers the checkout webhook within a second or two; half a minute without it
// means something is wrong and the person deserves to be told rather than watch a spinner.
const POLL_INTERVAL_MS = 1_000;
const CONFIRMATION_TIMEOUT_MS = 30_000;

/**
 * The subscription, and what to show for it. Returning from checkout with Stripe's session id, the
 * server is asked to sync that session from Stripe, so the subscription shows without waiting for
 * its webhook. Should that not settle it (the sync failed, or the payment is still processing), the
 * webhook that records the subscription may not have landed yet, so an empty answer then means
 * "not yet" and is polled.
 */
export function useSubscriptionView(returningFromCheckout: boolean, checkoutSessionId: string | null = null) {
  const utils = trpc.useUtils();
  const sync = trpc.billing.syncCheckout.useMutation({
    onSuccess: async (subscription) => {
      if (!subscription) return;
      // A poll that read the database before the sync wrote must not land after it with "none".
      await utils.billing.subscription.cancel();
      utils.billing.subscription.setData(undefined, subscription);
    },
  });
  // Once per session id, however often React runs effects (StrictMode runs them twice).
  const syncedSessionId = useRef<string | null>(null);
  useEffect(() => {
    if (!returningFromCheckout || !checkoutSessionId || syncedSessionId.current === checkoutSessionId) return;
    syncedSessionId.current = checkoutSessionId;
    sync.mutate({ sessionId: checkoutSessionId });
  });

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
