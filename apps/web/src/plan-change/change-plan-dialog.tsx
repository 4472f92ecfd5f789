import { useEffect, useId, useState } from 'react';
import type { Subscription } from '../dashboard/subscription-summary';
import { formatDate } from '../dashboard/subscription-summary';
import { describePlan, formatInterval, formatPrice, type Plan } from '../pricing/format-price';
import { type RouterOutputs, trpc } from '../trpc';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { StatusMessage } from '../ui/status-message';
import { planName, useApplySubscription } from './subscription-state';

type Preview = RouterOutputs['billing']['previewPlanChange'];

interface ChangePlanDialogProps {
  open: boolean;
  subscription: Subscription;
  /** The plan to preview first, e.g. the card it was opened from. */
  initialPriceId?: string | undefined;
  onClose: () => void;
  /** After the change: the subscription as the server now has it. */
  onChanged: (subscription: Subscription | null) => void;
}

export function ChangePlanDialog({ open, onClose, ...formProps }: ChangePlanDialogProps) {
  return (
    <Dialog open={open} title="Change plan" onClose={onClose}>
      {/* The dialog mounts its content only while open: each opening starts from a fresh selection and preview. */}
      <ChangePlanForm onClose={onClose} {...formProps} />
    </Dialog>
  );
}

function ChangePlanForm({ subscription, initialPriceId, onClose, onChanged }: Omit<ChangePlanDialogProps, 'open'>) {
  const plans = trpc.billing.plans.useQuery();
  const preview = trpc.billing.previewPlanChange.useMutation();
  const change = trpc.billing.changePlan.useMutation();
  const applySubscription = useApplySubscription();
  const [selected, setSelected] = useState<string | undefined>(initialPriceId);
  const legendId = useId();
  const pending = subscription.pendingChange;

  const select = (priceId: string) => {
    setSelected(priceId);
    change.reset();
    preview.mutate({ priceId });
  };

  // Opened from a plan card: price that plan straight away.
  const { mutate: requestPreview } = preview;
  useEffect(() => {
    if (initialPriceId) requestPreview({ priceId: initialPriceId });
  }, [initialPriceId, requestPreview]);

  const confirm = () => {
    if (!selected) return;
    change.mutate(
      { priceId: selected },
      {
        onSuccess: (updated) => {
          applySubscription(updated);
          onChanged(updated);
          onClose();
        },
      },
    );
  };

  // Only an answer for the plan now selected may be confirmed.
  const shownPreview = preview.data?.priceId === selected ? preview.data : undefined;
  const busy = change.isPending;

  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        confirm();
      }}
    >
      <StatusMessage message={plans.isPending ? 'Loading plans…' : undefined} kind="progress" />
      {plans.isError && <ErrorMessage error={plans.error} />}
      {plans.data && (
        <fieldset className="plan-options" aria-labelledby={legendId} disabled={busy}>
          <legend id={legendId}>Plans on offer</legend>
          {plans.data.map((plan) => {
            const isCurrent = plan.priceId === subscription.priceId;
            return (
              <label key={plan.priceId} className="plan-option">
                <input
                  type="radio"
                  name="plan"
                  value={plan.priceId}
                  checked={selected === plan.priceId}
                  // The current plan is a choice only to drop a pending change.
                  disabled={isCurrent && !pending}
                  onChange={() => select(plan.priceId)}
                />
                <span className="plan-option-name">{describePlan(plan)}</span>
                <span className="plan-option-price">
                  {formatPrice(plan.unitAmount, plan.currency)} {formatInterval(plan.interval, plan.intervalCount)}
                </span>
                {isCurrent && <span className="badge">Current plan</span>}
              </label>
            );
          })}
        </fieldset>
      )}

      <div className="preview" aria-live="polite">
        {!selected && <p className="hint">Choose a plan to see what it costs before you confirm.</p>}
        {/* The dialog's one status region: the price is worked out only for a plan on the list. */}
        <StatusMessage
          message={selected && preview.isPending && !plans.isPending ? 'Working out the price…' : undefined}
          kind="progress"
        />
        {selected && preview.isError && (
          <div className="stack">
            <ErrorMessage error={preview.error} />
            <p>
              <Button variant="secondary" onClick={() => select(selected)}>
                Try again
              </Button>
            </p>
          </div>
        )}
        {shownPreview && !preview.isPending && (
          <PreviewSummary preview={shownPreview} subscription={subscription} plans={plans.data} />
        )}
      </div>

      {change.isError && <ErrorMessage error={change.error} />}

      <div className="actions">
        <Button
          type="submit"
          pending={busy}
          pendingLabel="Changing plan…"
          disabled={!shownPreview || preview.isPending}
        >
          Confirm change
        </Button>
        <Button variant="secondary" disabled={busy} onClick={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

interface PreviewSummaryProps {
  preview: Preview;
  subscription: Subscription;
  plans: readonly Plan[] | undefined;
}

/** What confirming would do, in the person's words: what is charged when, and what comes after. */
export function PreviewSummary({ preview, subscription, plans }: PreviewSummaryProps) {
  const next = plans?.find((plan) => plan.priceId === preview.priceId);
  const then = next
    ? `${formatPrice(preview.nextInvoiceAmount, preview.currency)} ${formatInterval(next.interval, next.intervalCount)}`
    : formatPrice(preview.nextInvoiceAmount, preview.currency);

  if (preview.priceId === subscription.priceId && subscription.pendingChange) {
    return (
      <p className="notice notice-info">
        You stay on {planName(plans, subscription.priceId)}; the change to{' '}
        {planName(plans, subscription.pendingChange.priceId)} is cancelled. No charge.
      </p>
    );
  }
  if (preview.effective === 'now') {
    return (
      <div className="notice notice-info stack">
        <p className="preview-charge">You'll be charged {formatPrice(preview.amountDue, preview.currency)} now.</p>
        <p>
          Then {then}, next on {formatDate(preview.nextInvoiceAt)}.
        </p>
      </div>
    );
  }
  return (
    <div className="notice notice-info stack">
      <p className="preview-charge">Starts on {formatDate(preview.nextInvoiceAt)}, no charge now.</p>
      <p>Then {then}. You keep your current plan until then.</p>
    </div>
  );
}
