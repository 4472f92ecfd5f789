import { useQueryClient } from '@tanstack/react-query';
import { type NavigateOptions, useNavigate, useSearch } from '@tanstack/react-router';
import { type RouterOutputs, trpc } from '../trpc';
import { useDocumentTitle } from '../ui/use-document-title';
import { AuthForm, type AuthMode } from './auth-form';
import { setToken } from './session';

type AuthSession = RouterOutputs['auth']['signIn'];

export function SignInPage() {
  return <AuthPage mode="signin" />;
}

export function SignUpPage() {
  return <AuthPage mode="signup" />;
}

function AuthPage({ mode }: { mode: AuthMode }) {
  useDocumentTitle(mode === 'signin' ? 'Sign in' : 'Create account');
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const { plan, code } = useSearch({ strict: false });
  // The plan and its promotion code, when a visitor chose one before signing in.
  const chosenPlan = plan ? { plan, ...(code && { code }) } : null;
  const navigate = useNavigate();

  /**
   * A plan chosen before signing in goes on to its checkout, with its promotion code (through the
   * pricing page, which knows whether the person already subscribes); otherwise a returning
   * subscriber goes to their dashboard and everyone else to the plans.
   */
  const destinationAfterSignIn = async (): Promise<NavigateOptions> => {
    if (chosenPlan) return { to: '/pricing', search: chosenPlan };
    if (mode === 'signup') return { to: '/pricing' };
    try {
      return { to: (await utils.billing.subscription.fetch()) ? '/dashboard' : '/pricing' };
    } catch {
      // Only a shortcut: the pricing page shows any real problem with billing itself.
      return { to: '/pricing' };
    }
  };

  // Awaited by the mutation, so the button stays "Signing in…" until we navigate.
  const startSession = async ({ token, user }: AuthSession) => {
    setToken(token);
    // Nothing cached under a previous session may leak into this one.
    queryClient.clear();
    utils.auth.me.setData(undefined, user);
    await navigate(await destinationAfterSignIn());
  };

  const signIn = trpc.auth.signIn.useMutation({ onSuccess: startSession });
  const signUp = trpc.auth.signUp.useMutation({ onSuccess: startSession });
  const mutation = mode === 'signin' ? signIn : signUp;

  return (
    <AuthForm
      mode={mode}
      chosenPlan={chosenPlan}
      pending={mutation.isPending}
      error={mutation.error}
      onSubmit={(credentials) => mutation.mutate(credentials)}
    />
  );
}
