import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isTRPCClientError } from '@trpc/client';
import { clearToken } from './auth/session';
import { navigate } from './router';
import { isUnauthorized } from './ui/describe-error';

const AUTH_PATHS = ['/signin', '/signup'];

/** A query refused for want of a session means the token expired or was revoked: start over. */
function signOutWhenUnauthorized(error: unknown): void {
  if (!isUnauthorized(error)) return;
  clearToken();
  if (!AUTH_PATHS.includes(window.location.pathname)) navigate('/signin', { replace: true });
}

/** Retrying a 4xx only repeats the same answer; network blips and 5xx may pass on a second try. */
function isWorthRetrying(failureCount: number, error: unknown): boolean {
  const status = isTRPCClientError(error) ? error.data?.httpStatus : undefined;
  const clientError = typeof status === 'number' && status >= 400 && status < 500;
  return failureCount < 2 && !clientError;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signOutWhenUnauthorized }),
    defaultOptions: { queries: { retry: isWorthRetrying } },
  });
}
