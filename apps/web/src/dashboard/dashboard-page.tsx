import { useSearch } from '@tanstack/react-router';
import { ChangePasswordForm } from '../auth/change-password-form';
import { VerifyEmailNotice } from '../auth/verify-email-notice';
import { isLive } from '../plan-change/subscription-state';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { useDocumentTitle } from '../ui/use-document-title';
import { useOnPageRestore } from '../ui/use-on-page-restore';
import { BillingHistory } from './billing-history';
import { PaymentProblemBanner } from './payment-problem-banner';
import { PlanFeatures } from './plan-features';
import { SubscriptionActions } from './subscription-actions';
import { SubscriptionPanel } from './subscription-panel';
import { useSubscriptionView } from './use-subscription-view';

export function DashboardPage() {
  useDocumentTitle('Dashboard');
  const search = useSearch({ from: '/dashboard' });
  const { view, checkAgain } = useSubscriptionView(search.checkout === 'success', search.session_id ?? null);
  const portal = trpc.billing.createPortalSession.useMutation({
    onSuccess: ({ url }) => {
      window.location.href = url;
    },
  });
  useOnPageRestore(portal.reset);
  // Names the plan a pending change moves to, and lists the plans to change to.
  const plans = trpc.billing.plans.useQuery();
  const subscription = view.kind === 'subscribed' ? view.subscription : null;

  return (
    <div className="stack">
      <h1>Dashboard</h1>
      <VerifyEmailNotice />
      <section className="stack" aria-labelledby="subscription-heading">
        <h2 id="subscription-heading">Your subscription</h2>
        <PaymentProblemBanner status={subscription?.status} />
        <SubscriptionPanel view={view} onCheckAgain={checkAgain} plans={plans.data} />
        <PlanFeatures status={subscription?.status} />
        {isLive(subscription) && <SubscriptionActions subscription={subscription} plans={plans.data} />}
      </section>
      {/* Only someone who subscribed has a Stripe customer, hence invoices. */}
      {view.kind === 'subscribed' && (
        <section className="stack" aria-labelledby="billing-history-heading">
          <h2 id="billing-history-heading">Billing history</h2>
          <BillingHistory />
        </section>
      )}
      <ChangePasswordForm />
      {portal.isError && <ErrorMessage error={portal.error} />}
      {view.kind === 'subscribed' && (
        <div className="actions">
          <Button
            pending={portal.isPending || portal.isSuccess}
            pendingLabel="Redirecting…"
            onClick={() => portal.mutate({ returnUrl: `${window.location.origin}/dashboard` })}
          >
            Manage billing
          </Button>
        </div>
      )}
    </div>
  );
}
