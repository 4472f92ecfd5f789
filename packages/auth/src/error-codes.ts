// The browser imports these messages (through credentials.ts): only core's catalogue, no server code.
import { defineErrorCodes } from '@subkit/core/error-codes';

/**
 * What auth answers besides core's errors. Schema messages that name a field and appear once stay
 * in `schemas.ts`; those the API document or tests quote are here.
 */
export const AUTH_ERROR_CODES = defineErrorCodes({
  EMAIL_TAKEN: { code: 'CONFLICT', message: 'An account with this email already exists' },
  /** One answer for an unknown email and a wrong password, so it does not reveal which emails have accounts. */
  INVALID_CREDENTIALS: { code: 'UNAUTHORIZED', message: 'Invalid email or password' },
  PASSWORD_TOO_SHORT: { code: 'BAD_REQUEST', message: 'password must be at least 8 characters' },
  PASSWORD_TOO_LONG: { code: 'BAD_REQUEST', message: 'password must be at most 200 characters' },
  /** One answer for an unknown, used and expired link: a link either works or must be asked for again. */
  INVALID_LINK: { code: 'BAD_REQUEST', message: 'This link is invalid, already used or expired: ask for a new one' },
  WRONG_CURRENT_PASSWORD: { code: 'BAD_REQUEST', message: 'currentPassword is not your current password' },
  EMAIL_ALREADY_VERIFIED: { code: 'CONFLICT', message: 'This email address is already verified' },
  PASSWORD_TOO_COMMON: { code: 'BAD_REQUEST', message: 'password is too common: choose one that is harder to guess' },
});
