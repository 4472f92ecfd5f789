import { Link } from '@tanstack/react-router';
import { type FormEvent, useId } from 'react';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { useDocumentTitle } from '../ui/use-document-title';

/** Asks for a reset link. The answer is the same whether or not the email has an account. */
export function ForgotPasswordPage() {
  useDocumentTitle('Reset your password');
  const id = useId();
  const request = trpc.auth.requestPasswordReset.useMutation();

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (request.isPending) return;
    request.mutate({ email: String(new FormData(event.currentTarget).get('email') ?? '') });
  };

  return (
    <div className="auth stack">
      <h1>Reset your password</h1>
      <form className="card stack" onSubmit={handleSubmit} aria-describedby={`${id}-hint`}>
        <p id={`${id}-hint`}>Enter the email of your account: we will mail you a link to choose a new password.</p>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} name="email" type="email" autoComplete="email" required />
        </div>
        {request.isError && <ErrorMessage error={request.error} />}
        <Button type="submit" pending={request.isPending} pendingLabel="Sending…">
          Send the link
        </Button>
        <div role="status">
          {request.isSuccess && (
            <p className="notice">
              If an account uses this email, a link is on its way. It works for one hour; check your spam folder too.
            </p>
          )}
        </div>
      </form>
      <p>
        Remembered it? <Link to="/signin">Sign in</Link>
      </p>
    </div>
  );
}
