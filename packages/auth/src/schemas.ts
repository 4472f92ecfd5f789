import { z } from 'zod';
import { isCommonPassword } from './common-passwords';
import { newPassword, signUpCredentials } from './credentials';
import { AUTH_ERROR_CODES } from './error-codes';

export { type SignInInput, signInInput } from './credentials';

export const signUpInput = signUpCredentials.extend({
  password: newPassword
    .refine((password) => !isCommonPassword(password), AUTH_ERROR_CODES.PASSWORD_TOO_COMMON.message)
    .meta({
      description: '8 to 200 characters; not only spaces, and not one of the ~49,000 most common passwords',
      examples: ['correct horse battery'],
    }),
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const userOutput = z.object({ id: z.string(), email: z.string() });

export const authSessionOutput = z.object({
  token: z.string().meta({ description: 'Session token: send it as `Authorization: Bearer <token>`' }),
  expiresAt: z.string().meta({ description: 'ISO 8601 time the token stops working', format: 'date-time' }),
  user: userOutput,
});
export type AuthSession = z.infer<typeof authSessionOutput>;
