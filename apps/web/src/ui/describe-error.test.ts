import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { serverError } from '../test-helpers';
import { describeError, isUnauthorized } from './describe-error';

describe('describeError', () => {
  it("passes the server's message through", () => {
    expect(describeError(serverError('CONFLICT', 'An account with this email already exists'))).toBe(
      'An account with this email already exists',
    );
  });

  it('explains a response that never came from the server', () => {
    const offline = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(describeError(offline)).toBe('Could not reach the server. Check your connection and try again.');
  });

  it('never shows an unknown error raw', () => {
    expect(describeError(new Error('undefined is not a function'))).toBe('Something went wrong. Please try again.');
  });
});

describe('isUnauthorized', () => {
  it('recognises only a refused session', () => {
    expect(isUnauthorized(serverError('UNAUTHORIZED', 'Sign in required'))).toBe(true);
    expect(isUnauthorized(serverError('BAD_REQUEST', 'password must be at least 8 characters'))).toBe(false);
    expect(isUnauthorized(new Error('UNAUTHORIZED'))).toBe(false);
  });
});
