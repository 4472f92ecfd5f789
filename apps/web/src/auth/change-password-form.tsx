import { zodResolver } from '@hookform/resolvers/zod';
import { changePasswordCredentials } from '@subkit/auth/credentials';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { describedBy, FieldMessage, useServerFieldErrors } from '../ui/field-errors';

type PasswordChange = z.output<typeof changePasswordCredentials>;
const FIELDS: readonly (keyof PasswordChange)[] = ['currentPassword', 'newPassword'];

/** Changes the password; every other device is signed out, this one stays. */
export function ChangePasswordForm() {
  const id = useId();
  const change = trpc.auth.changePassword.useMutation();
  // The server's own rules: a field's message here is the one the API would answer.
  const form = useForm<z.input<typeof changePasswordCredentials>, unknown, PasswordChange>({
    resolver: zodResolver(changePasswordCredentials),
    defaultValues: { currentPassword: '', newPassword: '' },
  });
  // A wrong current password, or one too common, names no field or the new one: see useServerFieldErrors.
  const formError = useServerFieldErrors(change.error, FIELDS, form.setError);
  const { errors } = form.formState;

  const submit = form.handleSubmit((input) => {
    if (!change.isPending) change.mutate(input, { onSuccess: () => form.reset() });
  });

  const signedOut = change.data?.revokedSessions ?? 0;
  return (
    <section className="stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Password</h2>
      <form className="card stack" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-current`}>Current password</label>
          <input
            id={`${id}-current`}
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={errors.currentPassword ? true : undefined}
            aria-describedby={describedBy(undefined, `${id}-current-error`, Boolean(errors.currentPassword))}
            {...form.register('currentPassword')}
          />
          <FieldMessage id={`${id}-current-error`} error={errors.currentPassword} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new`}>New password</label>
          <input
            id={`${id}-new`}
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={errors.newPassword ? true : undefined}
            aria-describedby={describedBy(`${id}-new-hint`, `${id}-new-error`, Boolean(errors.newPassword))}
            {...form.register('newPassword')}
          />
          <p id={`${id}-new-hint`} className="hint">
            At least 8 characters, and not a common password. Other devices will be signed out.
          </p>
          <FieldMessage id={`${id}-new-error`} error={errors.newPassword} />
        </div>
        {formError !== null && <ErrorMessage error={formError} />}
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
