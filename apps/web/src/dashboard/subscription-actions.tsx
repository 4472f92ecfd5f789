import { useState } from 'react';
import { ChangePlanDialog } from '../plan-change/change-plan-dialog';
import { describeOutcome, planName, useApplySubscription } from '../plan-change/subscription-state';
import type { Plan } from '../pricing/format-price';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { formatDate, type Subscription } from './subscription-summary';

interface SubscriptionActionsProps {
  subscription: Subscription;
  plans: readonly Plan[] | undefined;
}

/** Change plan, keep the current one over a pending change, cancel at period end, resume. */
export function SubscriptionActions({ subscription, plans }: SubscriptionActionsProps) {
  const [openDialog, setOpenDialog] = useState<'change' | 'cancel' | null>(null);
  const [outcome, setOutcome] = useState<string>();
  const applySubscription = useApplySubscription();
  const onSuccess = (updated: Subscription | null) => {
    applySubscription(updated);
    setOutcome(describeOutcome(updated, plans));
  };
  const keepCurrent = trpc.billing.changePlan.useMutation({ onSuccess });
  const cancel = trpc.billing.cancelSubscription.useMutation({
    onSuccess: (updated) => {
      onSuccess(updated);
      setOpenDialog(null);
    },
  });
  const resume = trpc.billing.resumeSubscription.useMutation({
    onSuccess: (updated) => {
      onSuccess(updated);
      // "You're on Pro monthly" would not say what resuming changed: it renews again.
      if (updated?.currentPeriodEnd) setOutcome(`Your subscription renews on ${formatDate(updated.currentPeriodEnd)}.`);
    },
  });
  const { pendingChange } = subscription;
  const currentName = planName(plans, subscription.priceId);
  // One failure on screen at a time: the latest action's.
  const failed = [keepCurrent, resume].find((mutation) => mutation.isError);

  const begin = () => {
    setOutcome(undefined);
    for (const mutation of [keepCurrent, cancel, resume]) mutation.reset();
  };

  return (
    <div className="stack">
      {outcome && (
        <p className="notice notice-info" role="status">
          {outcome}
        </p>
      )}
      {failed?.error && <ErrorMessage error={failed.error} />}
      <div className="actions">
        {subscription.cancelAtPeriodEnd ? (
          <Button
            pending={resume.isPending}
            pendingLabel="Resuming…"
            onClick={() => {
              begin();
              resume.mutate();
            }}
          >
            Resume subscription
          </Button>
        ) : (
          <>
            <Button
              onClick={() => {
                begin();
                setOpenDialog('change');
              }}
            >
              Change plan
            </Button>
            {pendingChange && (
              <Button
                variant="secondary"
                pending={keepCurrent.isPending}
                pendingLabel="Keeping your plan…"
                onClick={() => {
                  begin();
                  keepCurrent.mutate({ priceId: subscription.priceId });
                }}
              >
                Keep {currentName}
              </Button>
            )}
            <Button
              variant="secondary"
              onClick={() => {
                begin();
                setOpenDialog('cancel');
              }}
            >
              Cancel subscription
            </Button>
          </>
        )}
      </div>

      <ChangePlanDialog
        open={openDialog === 'change'}
        subscription={subscription}
        onClose={() => setOpenDialog(null)}
        onChanged={(updated) => setOutcome(describeOutcome(updated, plans))}
      />
      <Dialog open={openDialog === 'cancel'} title="Cancel your subscription?" onClose={() => setOpenDialog(null)}>
        <p>
          You keep {currentName}
          {subscription.currentPeriodEnd
            ? ` until ${formatDate(subscription.currentPeriodEnd)}`
            : ' until the period ends'}
          , and you won't be charged again. You can resume any time before then.
        </p>
        {pendingChange && <p>The change to {planName(plans, pendingChange.priceId)} will not happen.</p>}
        {cancel.isError && <ErrorMessage error={cancel.error} />}
        <div className="actions">
          <Button pending={cancel.isPending} pendingLabel="Cancelling…" onClick={() => cancel.mutate()}>
            Cancel at period end
          </Button>
          <Button variant="secondary" disabled={cancel.isPending} onClick={() => setOpenDialog(null)}>
            Keep subscription
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
