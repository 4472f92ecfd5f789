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

const passwordString = z.string({
  error: (issue) => (issue.input === undefined ? 'password is required' : 'password must be a string'),
});

const NOT_AN_OBJECT = CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message;

export const signUpInput = z.object(
  {
    email: email.meta({ description: 'Compared case-insensitively', format: 'email', examples: ['ann@example.com'] }),
    // NIST SP 800-63B §5.1.1.2: at least 8 characters, any characters, and at least 64 allowed.
    password: passwordString
      .min(8, AUTH_ERROR_CODES.PASSWORD_TOO_SHORT.message)
      // The bound keeps request bodies and hashing input small; 200 is well past NIST's 64.
      .max(200, AUTH_ERROR_CODES.PASSWORD_TOO_LONG.message)
      .refine((password) => password.trim() !== '', 'password cannot be only spaces')
      .refine((password) => !isCommonPassword(password), AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message)
      .meta({
        description: '8 to 200 characters; not only spaces, and not one of the ~49,000 most common passwords',
        examples: ['correct horse battery'],
      }),
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

export const userOutput = z.object({ id: z.string(), email: z.string() });

export const authSessionOutput = z.object({
  token: z.string().meta({ description: 'Session token: send it as `Authorization: Bearer <token>`' }),
  expiresAt: z.string().meta({ description: 'ISO 8601 time the token stops working', format: 'date-time' }),
  user: userOutput,
});
export type AuthSession = z.infer<typeof authSessionOutput>;
