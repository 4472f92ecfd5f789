import { Link, useSearch } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { trpc } from '../trpc';
import { ErrorMessage } from '../ui/error-message';
import { useDocumentTitle } from '../ui/use-document-title';
import { useToken } from './session';

/** Opened from the mailed link: confirms the address at once, signed in or not. */
export function VerifyEmailPage() {
  useDocumentTitle('Confirm your email address');
  const { token } = useSearch({ from: '/verify-email' });
  const signedIn = useToken() !== null;
  const utils = trpc.useUtils();
  const verify = trpc.auth.verifyEmail.useMutation({ onSuccess: () => utils.auth.me.invalidate() });
  // A token works once: React's development double effect must not spend it twice.
  const sent = useRef(false);
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);

  return (
    <div className="auth stack">
      <h1>Confirm your email address</h1>
      {!token && (
        <p className="notice notice-error" role="alert">
          This link is incomplete. Open the link from the mail again.
        </p>
      )}
      {verify.isError && <ErrorMessage error={verify.error} />}
      <div role="status">
        {verify.isPending && <p>Confirming…</p>}
        {verify.isSuccess && <p className="notice">Thank you: {verify.data.email} is confirmed.</p>}
      </div>
      <p>{signedIn ? <Link to="/dashboard">Go to your dashboard</Link> : <Link to="/signin">Sign in</Link>}</p>
    </div>
  );
}
