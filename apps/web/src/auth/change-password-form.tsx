import { type FormEvent, useId } from 'react';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';

/** Changes the password; every other device is signed out, this one stays. */
export function ChangePasswordForm() {
  const id = useId();
  const change = trpc.auth.changePassword.useMutation();

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (change.isPending) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    change.mutate(
      {
        currentPassword: String(data.get('currentPassword') ?? ''),
        newPassword: String(data.get('newPassword') ?? ''),
      },
      { onSuccess: () => form.reset() },
    );
  };

  const signedOut = change.data?.revokedSessions ?? 0;
  return (
    <section className="stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Password</h2>
      <form className="card stack" onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor={`${id}-current`}>Current password</label>
          <input id={`${id}-current`} name="currentPassword" type="password" autoComplete="current-password" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new`}>New password</label>
          <input
            id={`${id}-new`}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby={`${id}-new-hint`}
          />
          <p id={`${id}-new-hint`} className="hint">
            At least 8 characters, and not a common password. Other devices will be signed out.
          </p>
        </div>
        {change.isError && <ErrorMessage error={change.error} />}
        <Button type="submit" pending={change.isPending} pendingLabel="Changing…">
          Change password
        </Button>
        {/* Rendered only with news: the dashboard has one status region of its own, for the subscription. */}
        {change.isSuccess && (
          <p className="notice" role="status">
            Password changed.{' '}
            {signedOut === 0
              ? 'No other device was signed in.'
              : `${signedOut} other ${signedOut === 1 ? 'session was' : 'sessions were'} signed out.`}
          </p>
        )}
      </form>
    </section>
  );
}
