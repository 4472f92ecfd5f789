import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { trpc } from '../trpc';
import { clearToken } from './session';

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const mutation = trpc.auth.signOut.useMutation({
    // Signing out is the person's decision: even if the server cannot be told, this browser forgets
    // the session, and nothing of the previous account stays in the cache.
    onSettled: () => {
      clearToken();
      queryClient.clear();
      void navigate({ to: '/signin' });
    },
  });
  return { signOut: () => mutation.mutate(), isPending: mutation.isPending };
}
