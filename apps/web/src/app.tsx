import { QueryClientProvider } from '@tanstack/react-query';
import { type RouterHistory, RouterProvider } from '@tanstack/react-router';
import { useState } from 'react';
import { createQueryClient } from './query-client';
import { createAppRouter } from './router';
import { createTrpcClient, trpc } from './trpc';
import { ErrorBoundary } from './ui/error-boundary';

function createClients(history?: RouterHistory) {
  // The query client sends an expired session to sign-in, through the router created next to it.
  let router: ReturnType<typeof createAppRouter> | undefined;
  const queryClient = createQueryClient({
    onSessionExpired: () => {
      const onAuthPage = ['/signin', '/signup'].includes(router?.state.location.pathname ?? '');
      if (!onAuthPage) void router?.navigate({ to: '/signin', replace: true });
    },
  });
  router = createAppRouter(history);
  return { queryClient, router, trpcClient: createTrpcClient() };
}

export function App({ history }: { history?: RouterHistory }) {
  const [{ queryClient, router, trpcClient }] = useState(() => createClients(history));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ErrorBoundary>
          <RouterProvider router={router} />
        </ErrorBoundary>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
