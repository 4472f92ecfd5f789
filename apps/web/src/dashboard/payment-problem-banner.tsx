import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { useOnPageRestore } from '../ui/use-on-page-restore';

/** Stripe statuses in which a payment is owed and the customer can fix it with another card. */
const PAYMENT_PROBLEM_STATUSES = ['past_due', 'incomplete'];

const MESSAGES: Record<string, string> = {
  past_due:
    'Your last payment failed. Update your payment method to keep your subscription: the payment is retried automatically.',
  incomplete: 'Your first payment did not go through. Update your payment method to start your subscription.',
};

/**
 * Shown while the subscription is past_due or incomplete; it goes once Stripe's `invoice.paid`
 * makes the subscription active. "Update payment method" opens the portal on its payment method
 * form, which sends the user back to the dashboard.
 */
export function PaymentProblemBanner({ status }: { status: string | undefined }) {
  const portal = trpc.billing.createPortalSession.useMutation({
    onSuccess: ({ url }) => {
      window.location.href = url;
    },
  });
  useOnPageRestore(portal.reset);
  if (!status || !PAYMENT_PROBLEM_STATUSES.includes(status)) return null;
  return (
    <div className="notice notice-warning stack" role="alert">
      <p>{MESSAGES[status]}</p>
      {portal.isError && <ErrorMessage error={portal.error} />}
      <p>
        <Button
          pending={portal.isPending || portal.isSuccess}
          pendingLabel="Redirecting…"
          onClick={() =>
            portal.mutate({ returnUrl: `${window.location.origin}/dashboard`, flow: 'payment_method_update' })
          }
        >
          Update payment method
        </Button>
      </p>
    </div>
  );
}
