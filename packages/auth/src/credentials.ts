import { requestBodyError } from '@subkit/core/request-body';
import { z } from 'zod';
import { AUTH_ERROR_CODES } from './error-codes';

/**
 * The credential rules that need no server: the web app validates its forms with these very
 * schemas (`@subkit/auth/credentials`), so a field's message is the one the API would answer.
 * Only the common-password check, with its 49,000-word list, stays on the server (schemas.ts).
 */
export const email = z
  .string({ error: (issue) => (issue.input === undefined ? 'email is required' : 'email must be a string') })
  .trim()
  .max(254, 'email must be at most 254 characters')
  .pipe(z.email({ error: 'email must be a valid email address' }))
  .transform((value) => value.toLowerCase());

/** A string field with messages that name it. */
export const stringField = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a string`) });

const passwordString = stringField('password');

/**
 * The rules for every password a person chooses (sign-up, reset, change) that a browser can check.
 * NIST SP 800-63B §5.1.1.2: at least 8 characters, any characters, and at least 64 allowed.
 */
export const newPasswordRules = (field: z.ZodString) =>
  field
    .min(8, AUTH_ERROR_CODES.PASSWORD_TOO_SHORT.message)
    // The bound keeps request bodies and hashing input small; 200 is well past NIST's 64.
    .max(200, AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message)
    .refine((password) => password.trim() !== '', 'password cannot be only spaces');

export const newPassword = newPasswordRules(passwordString);

/** Sign-up as far as a browser can check it. */
export const signUpCredentials = z.strictObject(
  {
    email: email.meta({ description: 'Compared case-insensitively', format: 'email', examples: ['ann@example.com'] }),
    password: newPassword,
  },
  { error: requestBodyError },
);

/** Sign-in does not re-check the sign-up rules: a wrong password is just a wrong password (401). */
export const signInInput = z.strictObject(
  { email, password: passwordString.max(200, AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message) },
  { error: requestBodyError },
);
export type SignInInput = z.infer<typeof signInInput>;

/** A new password chosen from a mailed reset link, as far as a browser can check it. */
export const resetPasswordCredentials = z.strictObject({ password: newPassword }, { error: requestBodyError });

/** A password change, as far as a browser can check it. */
export const changePasswordCredentials = z.strictObject(
  {
    // Any string: a wrong current password is refused by comparison, not by the sign-up rules.
    currentPassword: stringField('currentPassword').max(200, 'currentPassword must be at most 200 characters'),
    newPassword: newPasswordRules(stringField('newPassword')),
  },
  { error: requestBodyError },
);
