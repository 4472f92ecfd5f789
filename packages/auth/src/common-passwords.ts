import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * NIST SP 800-63B §5.1.1.2 asks that a new password be checked against commonly used ones. This
 * is the password list of zxcvbn-ts (MIT): about 49,000 passwords, most frequent first, drawn from
 * leaked password sets; taken from a maintained package rather than a file of our own to keep.
 */
const commonPasswords = new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));

/** Compared case-insensitively and without surrounding spaces: "Password " is as guessable as "password". */
export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.trim().toLowerCase());
}
