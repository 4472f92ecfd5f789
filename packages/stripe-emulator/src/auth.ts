import { authenticationError, type StripeApiError } from './errors';

/**
 * Reads the API key the way Stripe does: `Authorization: Bearer sk_test_…`,
 * or HTTP Basic auth with the key as the username (what curl's `-u sk_test_…:` sends).
 */
export function apiKeyFrom(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return credentials;
  if (scheme.toLowerCase() === 'basic') return Buffer.from(credentials, 'base64').toString('utf8').split(':')[0];
  return undefined;
}

/** Any test-mode secret or restricted key is accepted; live keys never are, so a misconfigured app fails loudly. */
export function checkApiKey(key: string | undefined): StripeApiError | undefined {
  if (!key) {
    return authenticationError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (/^(sk|rk)_live_/.test(key)) {
    return authenticationError(
      `Invalid API Key provided: ${redact(key)}. This is a local Stripe emulator: use a test mode key (sk_test_…), never a live one.`,
      'api_key_invalid',
    );
  }
  if (!/^(sk|rk)_test_\S+$/.test(key))
    return authenticationError(`Invalid API Key provided: ${redact(key)}`, 'api_key_invalid');
  return undefined;
}

/** `sk_test_********************1234`, as Stripe echoes keys back. */
function redact(key: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  return `${prefix}${'*'.repeat(Math.max(0, rest.length - 4))}${rest.slice(-4)}`;
}
