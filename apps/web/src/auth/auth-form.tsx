import { type FormEvent, useId } from 'react';
import { withChosenPlan } from '../checkout/chosen-plan';
import { Link } from '../router';
import type { RouterInputs } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';

type Credentials = RouterInputs['auth']['signIn'];
export type AuthMode = 'signin' | 'signup';

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

interface AuthFormProps {
  mode: AuthMode;
  /** Kept when switching between sign-in and sign-up, so the checkout still follows. */
  chosenPlan?: string | null;
  pending: boolean;
  error: unknown;
  onSubmit: (credentials: Credentials) => void;
}

export function AuthForm({ mode, chosenPlan = null, pending, error, onSubmit }: AuthFormProps) {
  const id = useId();
  const copy = COPY[mode];

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const data = new FormData(event.currentTarget);
    onSubmit({ email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') });
  };

  return (
    <div className="auth stack">
      <h1>{copy.title}</h1>
      <form className="card stack" onSubmit={handleSubmit} aria-describedby={error ? `${id}-error` : undefined}>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} name="email" type="email" autoComplete="email" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            name="password"
            type="password"
            autoComplete={copy.passwordAutocomplete}
            required
            aria-describedby={mode === 'signup' ? `${id}-password-hint` : undefined}
          />
          {mode === 'signup' && (
            <p id={`${id}-password-hint`} className="hint">
              At least 8 characters, and not a common password.
            </p>
          )}
          {mode === 'signin' && (
            <p className="hint">
              <Link to="/forgot-password">Forgot password?</Link>
            </p>
          )}
        </div>
        {error !== null && (
          <div id={`${id}-error`}>
            <ErrorMessage error={error} />
          </div>
        )}
        <Button type="submit" pending={pending} pendingLabel={copy.pending}>
          {copy.submit}
        </Button>
      </form>
      <p>
        {copy.switchPrompt} <Link to={withChosenPlan(copy.switchLink.to, chosenPlan)}>{copy.switchLink.label}</Link>
      </p>
    </div>
  );
}
