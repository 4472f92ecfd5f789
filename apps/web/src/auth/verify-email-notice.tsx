import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';

/** A reminder on the dashboard until the address is confirmed; nothing is blocked meanwhile. */
export function VerifyEmailNotice() {
  const me = trpc.auth.me.useQuery();
  const resend = trpc.auth.resendVerification.useMutation();
  if (!me.data || me.data.emailVerified) return null;

  return (
    <section className="notice notice-warning stack" aria-labelledby="verify-email-heading">
      <h2 id="verify-email-heading">Verify your email</h2>
      <p>
        We sent a link to <strong>{me.data.email}</strong>. Open it to confirm the address, so that you can reset your
        password if you ever need to.
      </p>
      {resend.isError && <ErrorMessage error={resend.error} />}
      <div className="actions">
        <Button variant="secondary" pending={resend.isPending} pendingLabel="Sending…" onClick={() => resend.mutate()}>
          Send the link again
        </Button>
      </div>
      {/* Rendered only with news: the dashboard has one status region of its own, for the subscription. */}
      {resend.isSuccess && <p role="status">A new link is on its way.</p>}
    </section>
  );
}
