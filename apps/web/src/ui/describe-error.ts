import type { AppRouter } from '@subkit/api';
import { isTRPCClientError, type TRPCClientError } from '@trpc/client';

const UNREACHABLE = 'Could not reach the server. Check your connection and try again.';
const UNEXPECTED = 'Something went wrong. Please try again.';

function isAppError(error: unknown): error is TRPCClientError<AppRouter> {
  return isTRPCClientError(error);
}

/**
 * The sentence to show for a failure. The server already writes safe, readable messages; only a
 * response that never came from it (offline, a proxy's HTML error page) gets a message of ours.
 */
export function describeError(error: unknown): string {
  if (isAppError(error)) return error.data?.code ? error.message : UNREACHABLE;
  return UNEXPECTED;
}

/** True when the server refused the call for want of a valid session. */
export function isUnauthorized(error: unknown): boolean {
  return isAppError(error) && error.data?.code === 'UNAUTHORIZED';
}

/** The fields the server refused, by path ("password"), from the envelope's validation issues. */
export function fieldIssues(error: unknown): { path: string; message: string }[] {
  return isAppError(error) ? (error.data?.issues ?? []) : [];
}
