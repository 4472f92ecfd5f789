import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { createQueryClient } from './query-client';
import { fakeTrpcServer } from './test-helpers';
import { createTrpcClient, trpc } from './trpc';

/** Renders one component inside a router of its own (for its links), loaded before the first render. */
export async function renderInRouter(ui: ReactElement) {
  const router = createRouter({
    routeTree: createRootRoute({ component: () => ui }),
    history: createMemoryHistory({ initialEntries: ['/'] }),
  });
  await router.load();
  return render(<RouterProvider router={router} />);
}

/** Renders one component with the app's real tRPC client, talking to a fake `/trpc` endpoint. */
export function renderWithServer(ui: ReactElement, handlers: Parameters<typeof fakeTrpcServer>[0]) {
  const server = fakeTrpcServer(handlers);
  vi.stubGlobal('fetch', server);
  const queryClient = createQueryClient();
  const result = render(
    <trpc.Provider client={createTrpcClient()} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </trpc.Provider>,
  );
  return { ...result, server, queryClient };
}
