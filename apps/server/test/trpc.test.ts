import type { AppRouter } from '@subkit/api';
import { AUTH_ERROR_CODES } from '@subkit/auth';
import { BILLING_ERROR_CODES } from '@subkit/billing';
import { CORE_ERROR_CODES } from '@subkit/core';
import { testDatabaseKinds } from '@subkit/db/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, type Stack, startStack, uniqueEmail } from './harness';

const input = { ...checkoutBody(), metadata: { plan: 'pro', referralCode: 'FRIEND20' } };

describe.each(testDatabaseKinds())('typed tRPC client over HTTP on %s', (kind) => {
  let stack: Stack;
  const clientWith = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${stack.server.url}/trpc`,
          headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        }),
      ],
    });

  beforeAll(async () => {
    stack = await startStack(kind);
  });
  afterAll(() => stack.close());

  async function failureOf(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    const { message, data } = error as TRPCClientError<AppRouter>;
    return { message, code: data?.code, httpStatus: data?.httpStatus };
  }

  it('signs up and creates a checkout session through billing.createCheckout', async () => {
    const session = await clientWith().auth.signUp.mutate({ email: uniqueEmail(), password: 'correct horse battery' });
    const client = clientWith(session.token);
    expect(await client.auth.me.query()).toEqual(session.user);
    const checkout = await client.billing.createCheckout.mutate(input);
    expect(checkout.sessionId).toMatch(/^cs_test_/);
    expect(checkout.url).toContain(checkout.sessionId);
  });

  it.each([
    ['12345678', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    ['password', AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message],
    [' '.repeat(8), 'password cannot be only spaces'],
  ])('refuses the sign-up password %j as REST does (400)', async (password, message) => {
    expect(await failureOf(clientWith().auth.signUp.mutate({ email: uniqueEmail(), password }))).toEqual({
      message,
      code: 'BAD_REQUEST',
      httpStatus: 400,
    });
  });

  it('fails with the same meanings as REST', async () => {
    const { token } = await clientWith().auth.signUp.mutate({
      email: uniqueEmail(),
      password: 'correct horse battery',
    });
    const client = clientWith(token);

    expect(await failureOf(clientWith().billing.createCheckout.mutate(input))).toEqual({
      message: CORE_ERROR_CODES.UNAUTHENTICATED.message,
      code: 'UNAUTHORIZED',
      httpStatus: 401,
    });
    // The type system refuses a missing priceId; a JavaScript caller can still send one.
    const { priceId: _omitted, ...withoutPrice } = input;
    expect(await failureOf(client.billing.createCheckout.mutate(withoutPrice as typeof input))).toEqual({
      message: BILLING_ERROR_CODES.PRICE_ID_REQUIRED.message,
      code: 'BAD_REQUEST',
      httpStatus: 400,
    });
    expect(await failureOf(client.billing.createCheckout.mutate({ ...input, priceId: 'price_unknown42' }))).toEqual({
      message: BILLING_ERROR_CODES.INVALID_PRICE.message,
      code: 'BAD_REQUEST',
      httpStatus: 400,
    });
  });
});
