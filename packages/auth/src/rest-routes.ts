import { CORE_ERROR_CODES, type RestRoutesOf } from '@subkit/core';
import { noFieldsInput } from '@subkit/core/request-body';
import { z } from 'zod';
import { AUTH_ERROR_CODES } from './error-codes';
import type { authRouter } from './router';
import {
  authSessionOutput,
  changePasswordInput,
  changePasswordOutput,
  requestPasswordResetInput,
  requestPasswordResetOutput,
  resendVerificationOutput,
  resetPasswordInput,
  signInInput,
  signUpInput,
  userOutput,
  verifyEmailInput,
  verifyEmailOutput,
} from './schemas';

const session = {
  token: 'R3bX9qWZ4kN8vL2mT6yH1cJ5fD7gS0aE',
  expiresAt: '2026-03-01T12:00:00.000Z',
  user: { id: '7d4e1c2a-5b6f-4a3e-9c8d-1f2e3a4b5c6d', email: 'ann@example.com', emailVerified: true },
};
const mailedToken = 'Yq0sV1d8Zr3kP5mN7xC2bW4tH6jL9fG0aE1uR3iO5sA';
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
    input: noFieldsInput,
    // The procedure declares no output schema; this is what it returns (its type is checked against it).
    output: z.object({ signedOut: z.literal(true) }),
    docs: {
      tag: 'Auth',
      summary: 'Sign out',
      description: 'Ends the session whose token is presented; the token stops working at once.',
      auth: true,
      errors: [400, 401, 503],
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
  requestPasswordReset: {
    method: 'POST',
    url: '/api/auth/password-reset',
    input: requestPasswordResetInput,
    output: requestPasswordResetOutput,
    docs: {
      tag: 'Auth',
      summary: 'Ask for a password reset link',
      description:
        'Mails a link to `<PUBLIC_URL>/reset-password?token=…` (valid for one hour) when an account has this email. ' +
        'The answer is the same whether or not one does. Limited per client address and per email address.',
      auth: false,
      errors: [400, 413, 415, 429, 503],
      examples: {
        request: { reset: { value: { email: credentials.email } } },
        responses: { 200: { requested: { value: { requested: true } } } },
      },
    },
  },
  resetPassword: {
    method: 'POST',
    url: '/api/auth/password-reset/confirm',
    input: resetPasswordInput,
    output: authSessionOutput,
    docs: {
      tag: 'Auth',
      summary: 'Choose a new password with a reset link',
      description:
        'Spends the link’s token, sets the password (the sign-up rules apply), signs out every session of the ' +
        'account and answers a new one. The address counts as verified.',
      auth: false,
      errors: [400, 413, 415, 429, 503],
      examples: {
        request: { reset: { value: { token: mailedToken, password: 'a new horse battery' } } },
        responses: {
          200: { signedIn: { value: session } },
          400: { usedLink: { value: AUTH_ERROR_CODES.INVALID_LINK } },
        },
      },
    },
  },
  verifyEmail: {
    method: 'POST',
    url: '/api/auth/verify-email',
    input: verifyEmailInput,
    output: verifyEmailOutput,
    docs: {
      tag: 'Auth',
      summary: 'Confirm an email address with a verification link',
      description: 'Spends the token of the link mailed at sign-up (valid for two days); needs no session.',
      auth: false,
      errors: [400, 413, 415, 429, 503],
      examples: {
        request: { verify: { value: { token: mailedToken } } },
        responses: {
          200: { verified: { value: { email: credentials.email, emailVerified: true } } },
          400: { expiredLink: { value: AUTH_ERROR_CODES.INVALID_LINK } },
        },
      },
    },
  },
  resendVerification: {
    method: 'POST',
    url: '/api/auth/verify-email/resend',
    input: noFieldsInput,
    output: resendVerificationOutput,
    docs: {
      tag: 'Auth',
      summary: 'Mail a new verification link',
      auth: true,
      errors: [400, 401, 409, 429, 503],
      examples: {
        responses: {
          200: { sent: { value: { sent: true } } },
          409: { verified: { value: AUTH_ERROR_CODES.EMAIL_ALREADY_VERIFIED } },
        },
      },
    },
  },
  changePassword: {
    method: 'POST',
    url: '/api/auth/password',
    input: changePasswordInput,
    output: changePasswordOutput,
    docs: {
      tag: 'Auth',
      summary: 'Change the password',
      description:
        'Needs the current password. Every other session of the account is signed out; the one presented stays.',
      auth: true,
      errors: [400, 401, 413, 415, 429, 503],
      examples: {
        request: { change: { value: { currentPassword: credentials.password, newPassword: 'a new horse battery' } } },
        responses: {
          200: { changed: { value: { changed: true, revokedSessions: 2 } } },
          400: { wrongPassword: { value: AUTH_ERROR_CODES.WRONG_CURRENT_PASSWORD } },
        },
      },
    },
  },
} satisfies RestRoutesOf<typeof authRouter>;
