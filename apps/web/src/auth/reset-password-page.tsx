import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useId } from 'react';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { useDocumentTitle } from '../ui/use-document-title';
import { setToken } from './session';

/** Opened from the mailed link: choose a new password, then continue signed in. */
export function ResetPasswordPage() {
  useDocumentTitle('Choose a new password');
  const id = useId();
  const { token } = useSearch({ from: '/reset-password' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const reset = trpc.auth.resetPassword.useMutation({
    onSuccess: ({ token: sessionToken, user }) => {
      setToken(sessionToken);
      // Every earlier session of the account has ended; nothing cached under one may stay.
      queryClient.clear();
      utils.auth.me.setData(undefined, user);
      void navigate({ to: '/dashboard', replace: true });
    },
  });

  if (!token) {
    return (
      <div className="auth stack">
        <h1>Choose a new password</h1>
        <p className="notice notice-error" role="alert">
          This link is incomplete. Open the link from the mail again, or ask for a new one.
        </p>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </div>
    );
  }

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (reset.isPending) return;
    reset.mutate({ token, password: String(new FormData(event.currentTarget).get('password') ?? '') });
  };

  return (
    <div className="auth stack">
      <h1>Choose a new password</h1>
      <form className="card stack" onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor={`${id}-password`}>New password</label>
          <input
            id={`${id}-password`}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby={`${id}-password-hint`}
          />
          <p id={`${id}-password-hint`} className="hint">
            At least 8 characters, and not a common password. Every device signed in to your account will be signed out.
          </p>
        </div>
        {reset.isError && <ErrorMessage error={reset.error} />}
        <Button type="submit" pending={reset.isPending || reset.isSuccess} pendingLabel="Saving…">
          Set new password
        </Button>
      </form>
      <p>
        Link not working? <Link to="/forgot-password">Ask for a new one</Link>
      </p>
    </div>
  );
}
