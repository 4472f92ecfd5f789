import { requestBodyError } from '@subkit/core/request-body';
import { z } from 'zod';
import { isCommonPassword } from './common-passwords';
import {
  changePasswordCredentials,
  email,
  newPasswordRules,
  resetPasswordCredentials,
  signUpCredentials,
  stringField,
} from './credentials';
import { AUTH_ERROR_CODES } from './error-codes';

export { type SignInInput, signInInput } from './credentials';

/** A password a person chooses: the browser-checkable rules, then the common-password list (server only). */
const chosenPassword = (name: string) =>
  newPasswordRules(stringField(name))
    .refine((password) => !isCommonPassword(password), AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message)
    .meta({
      description: '8 to 200 characters; not only spaces, and not one of the ~49,000 most common passwords',
      examples: ['correct horse battery'],
    });

export const signUpInput = signUpCredentials.extend({ password: chosenPassword('password') });
export type SignUpInput = z.infer<typeof signUpInput>;

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

export const requestPasswordResetInput = z.strictObject(
  { email: email.meta({ format: 'email', examples: ['ann@example.com'] }) },
  { error: requestBodyError },
);
export type RequestPasswordResetInput = z.infer<typeof requestPasswordResetInput>;

/** The same answer whether or not an account has this email, so the form reveals no accounts. */
export const requestPasswordResetOutput = z.object({
  requested: z.literal(true).meta({ description: 'If an account has this email, a reset link is on its way' }),
});

export const resetPasswordInput = resetPasswordCredentials.extend({ token, password: chosenPassword('password') });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const verifyEmailInput = z.strictObject({ token }, { error: requestBodyError });
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;

export const verifyEmailOutput = z.object({ email: z.string(), emailVerified: z.literal(true) });

export const resendVerificationOutput = z.object({
  sent: z.literal(true).meta({ description: 'A new verification link is on its way to the account email' }),
});

export const changePasswordInput = changePasswordCredentials.extend({ newPassword: chosenPassword('newPassword') });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const changePasswordOutput = z.object({
  changed: z.literal(true),
  revokedSessions: z.number().int().meta({ description: 'How many other sessions were signed out' }),
});
