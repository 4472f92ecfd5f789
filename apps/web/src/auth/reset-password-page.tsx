import { zodResolver } from '@hookform/resolvers/zod';
import { resetPasswordCredentials } from '@subkit/auth/credentials';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { describedBy, FieldMessage, useServerFieldErrors } from '../ui/field-errors';
import { useDocumentTitle } from '../ui/use-document-title';
import { setToken } from './session';

const PASSWORD_FIELD = ['password'] as const;

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
  // The server's own rules: a field's message here is the one the API would answer.
  const form = useForm<z.input<typeof resetPasswordCredentials>, unknown, z.output<typeof resetPasswordCredentials>>({
    resolver: zodResolver(resetPasswordCredentials),
    defaultValues: { password: '' },
  });
  const formError = useServerFieldErrors(reset.error, PASSWORD_FIELD, form.setError);
  const { errors } = form.formState;

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

  const submit = form.handleSubmit(({ password }) => {
    if (!reset.isPending) reset.mutate({ token, password });
  });

  return (
    <div className="auth stack">
      <h1>Choose a new password</h1>
      <form className="card stack" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-password`}>New password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={describedBy(`${id}-password-hint`, `${id}-password-error`, Boolean(errors.password))}
            {...form.register('password')}
          />
          <p id={`${id}-password-hint`} className="hint">
            At least 8 characters, and not a common password. Every device signed in to your account will be signed out.
          </p>
          <FieldMessage id={`${id}-password-error`} error={errors.password} />
        </div>
        {formError !== null && <ErrorMessage error={formError} />}
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
