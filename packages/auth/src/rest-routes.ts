import { CORE_ERROR_CODES, type RestRoutesOf } from '@subkit/core';
import { z } from 'zod';
import { AUTH_ERROR_CODES } from './error-codes';
import type { authRouter } from './router';
import { authSessionOutput, signInInput, signUpInput, userOutput } from './schemas';

const session = {
  token: 'R3bX9qWZ4kN8vL2mT6yH1cJ5fD7gS0aE',
  expiresAt: '2026-03-01T12:00:00.000Z',
  user: { id: '7d4e1c2a-5b6f-4a3e-9c8d-1f2e3a4b5c6d', email: 'ann@example.com' },
};
const credentials = { email: 'ann@example.com', password: 'correct horse battery' };

/** The REST twins of the auth procedures (served and documented by the server). */
export const authRestRoutes = {
  signUp: {
    method: 'POST',
    url: '/api/auth/signup',
    successStatus: 201,
    input: signUpInput,
    output: authSessionOutput,
    docs: {
      tag: 'Auth',
      summary: 'Create an account',
      description: 'Creates the account and signs it in: the answer carries a session token for the Bearer header.',
      auth: false,
      errors: [400, 409, 413, 415, 429, 503],
      examples: {
        request: { signup: { value: credentials } },
        responses: {
          201: { created: { value: session } },
          400: {
            shortPassword: { value: AUTH_ERROR_CODES.PASSWORD_TOO_SHORT },
            commonPassword: { value: AUTH_ERROR_CODES.PASSWORD_TOO_COMMON },
          },
          409: { taken: { value: AUTH_ERROR_CODES.EMAIL_TAKEN } },
        },
      },
    },
  },
  signIn: {
    method: 'POST',
    url: '/api/auth/login',
    input: signInInput,
    output: authSessionOutput,
    docs: {
      tag: 'Auth',
      summary: 'Sign in',
      description: 'Exchanges email and password for a new session token.',
      auth: false,
      errors: [400, 401, 413, 415, 429, 503],
      examples: {
        request: { login: { value: credentials } },
        responses: {
          200: { signedIn: { value: session } },
          401: { wrongPassword: { value: AUTH_ERROR_CODES.INVALID_CREDENTIALS } },
        },
      },
    },
  },
  signOut: {
    method: 'POST',
    url: '/api/auth/logout',
    // The procedure declares no output schema; this is what it returns (its type is checked against it).
    output: z.object({ signedOut: z.literal(true) }),
    docs: {
      tag: 'Auth',
      summary: 'Sign out',
      description: 'Ends the session whose token is presented; the token stops working at once.',
      auth: true,
      errors: [401, 503],
      examples: { responses: { 200: { signedOut: { value: { signedOut: true } } } } },
    },
  },
  me: {
    method: 'GET',
    url: '/api/auth/me',
    output: userOutput,
    docs: {
      tag: 'Auth',
      summary: 'The signed-in user',
      auth: true,
      errors: [401, 503],
      examples: {
        responses: {
          200: { me: { value: session.user } },
          401: { noToken: { value: CORE_ERROR_CODES.UNAUTHENTICATED } },
        },
      },
    },
  },
} satisfies RestRoutesOf<typeof authRouter>;
