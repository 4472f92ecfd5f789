import { CORE_ERROR_CODES } from '@subkit/core';
import { z } from 'zod';
import { isCommonPassword } from './common-passwords';
import { AUTH_ERROR_CODES } from './error-codes';

const email = z
  .string({ error: (issue) => (issue.input === undefined ? 'email is required' : 'email must be a string') })
  .trim()
  .max(254, 'email must be at most 254 characters')
  .pipe(z.email({ error: 'email must be a valid email address' }))
  .transform((value) => value.toLowerCase());

/** A string field with messages that name it. */
const stringField = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a string`) });

const passwordString = stringField('password');

const NOT_AN_OBJECT = CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message;

/**
 * The rules for every password a person chooses: at sign-up, on reset and on change.
 * NIST SP 800-63B §5.1.1.2: at least 8 characters, any characters, and at least 64 allowed.
 */
const newPasswordRules = (field: z.ZodString) =>
  field
    .min(8, AUTH_ERROR_CODES.PASSWORD_TOO_SHORT.message)
    // The bound keeps request bodies and hashing input small; 200 is well past NIST's 64.
    .max(200, AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message)
    .refine((password) => password.trim() !== '', 'password cannot be only spaces')
    .refine((password) => !isCommonPassword(password), AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message)
    .meta({
      description: '8 to 200 characters; not only spaces, and not one of the ~49,000 most common passwords',
      examples: ['correct horse battery'],
    });

export const signUpInput = z.object(
  {
    email: email.meta({ description: 'Compared case-insensitively', format: 'email', examples: ['ann@example.com'] }),
    password: newPasswordRules(passwordString),
  },
  { error: NOT_AN_OBJECT },
);
export type SignUpInput = z.infer<typeof signUpInput>;

/** Sign-in does not re-check the sign-up rules: a wrong password is just a wrong password (401). */
export const signInInput = z.object(
  { email, password: passwordString.max(200, AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message) },
  { error: NOT_AN_OBJECT },
);
export type SignInInput = z.infer<typeof signInInput>;

export const userOutput = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean().meta({ description: 'The person opened a link mailed to this address' }),
});

export const authSessionOutput = z.object({
  token: z.string().meta({ description: 'Session token: send it as `Authorization: Bearer <token>`' }),
  expiresAt: z.string().meta({ description: 'ISO 8601 time the token stops working', format: 'date-time' }),
  user: userOutput,
});
export type AuthSession = z.infer<typeof authSessionOutput>;

const token = stringField('token')
  .max(200, 'token must be at most 200 characters')
  .meta({ description: 'The `token` query parameter of the mailed link', examples: ['q3J8Yk0c…'] });

export const requestPasswordResetInput = z.object(
  { email: email.meta({ format: 'email', examples: ['ann@example.com'] }) },
  { error: NOT_AN_OBJECT },
);
export type RequestPasswordResetInput = z.infer<typeof requestPasswordResetInput>;

/** The same answer whether or not an account has this email, so the form reveals no accounts. */
export const requestPasswordResetOutput = z.object({
  requested: z.literal(true).meta({ description: 'If an account has this email, a reset link is on its way' }),
});

export const resetPasswordInput = z.object(
  { token, password: newPasswordRules(passwordString) },
  { error: NOT_AN_OBJECT },
);
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const verifyEmailInput = z.object({ token }, { error: NOT_AN_OBJECT });
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;

export const verifyEmailOutput = z.object({ email: z.string(), emailVerified: z.literal(true) });

export const resendVerificationOutput = z.object({
  sent: z.literal(true).meta({ description: 'A new verification link is on its way to the account email' }),
});

export const changePasswordInput = z.object(
  {
    // Any string: a wrong current password is refused by comparison, not by the sign-up rules.
    currentPassword: stringField('currentPassword').max(200, 'currentPassword must be at most 200 characters'),
    newPassword: newPasswordRules(stringField('newPassword')),
  },
  { error: NOT_AN_OBJECT },
);
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const changePasswordOutput = z.object({
  changed: z.literal(true),
  revokedSessions: z.number().int().meta({ description: 'How many other sessions were signed out' }),
});
