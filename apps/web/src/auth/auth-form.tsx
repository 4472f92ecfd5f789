import { zodResolver } from '@hookform/resolvers/zod';
import { signInInput, signUpCredentials } from '@subkit/auth/credentials';
import { Link } from '@tanstack/react-router';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import type { ChosenPlanSearch } from '../checkout/chosen-plan';
import type { RouterInputs } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { describedBy, FieldMessage, useServerFieldErrors } from '../ui/field-errors';

type Credentials = RouterInputs['auth']['signIn'];
export type AuthMode = 'signin' | 'signup';
type Field = keyof Credentials;
const FIELDS: readonly Field[] = ['email', 'password'];

const COPY = {
  signin: {
    title: 'Sign in',
    submit: 'Sign in',
    pending: 'Signing in…',
    passwordAutocomplete: 'current-password',
    switchPrompt: 'New to Subkit?',
    switchLink: { to: '/signup', label: 'Create an account' },
  },
  signup: {
    title: 'Create your account',
    submit: 'Create account',
    pending: 'Creating account…',
    passwordAutocomplete: 'new-password',
    switchPrompt: 'Already have an account?',
    switchLink: { to: '/signin', label: 'Sign in' },
  },
} as const;

// The server's own schemas: a field's message here is the one the API would answer.
const SCHEMAS = { signin: signInInput, signup: signUpCredentials };

interface AuthFormProps {
  mode: AuthMode;
  /** Kept (with its promotion code) when switching between sign-in and sign-up, so the checkout still follows. */
  chosenPlan?: ChosenPlanSearch | null;
  pending: boolean;
  error: unknown;
  onSubmit: (credentials: Credentials) => void;
}

export function AuthForm({ mode, chosenPlan = null, pending, error, onSubmit }: AuthFormProps) {
  const id = useId();
  const copy = COPY[mode];
  const form = useForm<z.input<typeof signInInput>, unknown, Credentials>({
    resolver: zodResolver(SCHEMAS[mode]),
    defaultValues: { email: '', password: '' },
  });

  // A refusal that names a field (say, a too-common password) goes under that field; any other
  // (a taken email, wrong credentials) stays a message for the whole form.
  const formError = useServerFieldErrors(error, FIELDS, form.setError);

  const submit = form.handleSubmit((credentials) => {
    if (!pending) onSubmit(credentials);
  });

  const { errors } = form.formState;
  const describe = (field: Field, hint?: string) => describedBy(hint, `${id}-${field}-error`, Boolean(errors[field]));

  return (
    <div className="auth stack">
      <h1>{copy.title}</h1>
      <form
        className="card stack"
        onSubmit={(event) => void submit(event)}
        noValidate
        aria-describedby={formError ? `${id}-error` : undefined}
      >
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            required
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={describe('email')}
            {...form.register('email')}
          />
          <FieldMessage id={`${id}-email-error`} error={errors.email} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete={copy.passwordAutocomplete}
            required
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={describe('password', mode === 'signup' ? `${id}-password-hint` : undefined)}
            {...form.register('password')}
          />
          {mode === 'signup' && (
            <p id={`${id}-password-hint`} className="hint">
              At least 8 characters, and not a common password.
            </p>
          )}
          <FieldMessage id={`${id}-password-error`} error={errors.password} />
          {mode === 'signin' && (
            <p className="hint">
              <Link to="/forgot-password">Forgot password?</Link>
            </p>
          )}
        </div>
        {formError !== null && (
          <div id={`${id}-error`}>
            <ErrorMessage error={formError} />
          </div>
        )}
        <Button type="submit" pending={pending} pendingLabel={copy.pending}>
          {copy.submit}
        </Button>
      </form>
      <p>
        {copy.switchPrompt}{' '}
        <Link to={copy.switchLink.to} search={chosenPlan ?? {}}>
          {copy.switchLink.label}
        </Link>
      </p>
    </div>
  );
}
