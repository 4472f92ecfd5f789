import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isTRPCClientError } from '@trpc/client';
import { clearToken } from './auth/session';
import { isUnauthorized } from './ui/describe-error';

/** Retrying a 4xx only repeats the same answer; network blips and 5xx may pass on a second try. */
function isWorthRetrying(failureCount: number, error: unknown): boolean {
  const status = isTRPCClientError(error) ? error.data?.httpStatus : undefined;
  const clientError = typeof status === 'number' && status >= 400 && status < 500;
  return failureCount < 2 && !clientError;
}

interface QueryClientOptions {
  /** After the session was forgotten: where to send the person. */
  onSessionExpired?: () => void;
}

export function createQueryClient({ onSessionExpired }: QueryClientOptions = {}): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      // A query refused for want of a session means the token expired or was revoked: start over.
      onError: (error) => {
        if (!isUnauthorized(error)) return;
        clearToken();
        onSessionExpired?.();
      },
    }),
    defaultOptions: { queries: { retry: isWorthRetrying } },
  });
}
