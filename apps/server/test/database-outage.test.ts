/**
 * A database that cannot be reached is an outage, not a bug: 503 with Retry-After on both
 * transports, whether the failing query is the session lookup or the procedure's own.
 */
import { CORE_ERROR_CODES } from '@subkit/core';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@subkit/db/testing';
import { type StripeEmulator, startStripeEmulator } from '@subkit/stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signUp, startTestServer, type TestServer, uniqueEmail } from './harness';

describe.each(testDatabaseKinds())('database outage (%s)', (kind) => {
  let emulator: StripeEmulator;
  let database: TestDatabase;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    [emulator, database] = await Promise.all([startStripeEmulator({ port: 0 }), createTestDatabase(kind)]);
    server = await startTestServer(database, emulator);
    ({ token } = await signUp(server.url));
    // The server's only handle on the database goes away: every query fails to reach it.
    await database.close();
  });
  afterAll(async () => {
    await server.close();
    // Already closed above; this drops the Postgres test database.
    await database.destroy().catch(() => {});
    await emulator.close();
  });

  const outage = { success: false, error: CORE_ERROR_CODES.SERVICE_UNAVAILABLE };

  it('answers a REST call whose own query fails with 503 and Retry-After', async () => {
    const response = await request(server.url, 'POST', '/api/auth/signup', {
      body: { email: uniqueEmail(), password: 'correct horse battery' },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body).toEqual(outage);
  });

  it('answers a REST call whose session lookup fails with 503 and Retry-After', async () => {
    const response = await request(server.url, 'GET', '/api/billing/subscription', { token });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body).toEqual(outage);
  });

  it('answers the tRPC twins with 503 and Retry-After too', async () => {
    const signUpCall = await request(server.url, 'POST', '/trpc/auth.signUp', {
      body: { email: uniqueEmail(), password: 'correct horse battery' },
    });
    const sessionCall = await request(server.url, 'GET', '/trpc/billing.subscription', { token });
    for (const response of [signUpCall, sessionCall]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.body).toMatchObject({
        error: {
          message: CORE_ERROR_CODES.SERVICE_UNAVAILABLE.message,
          data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
        },
      });
    }
  });
});
