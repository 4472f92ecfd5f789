import { isOriginAllowed } from '@subkit/core';
import { requestBodyError } from '@subkit/core/request-body';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { PRICE_ID_PATTERN } from '../catalog/prices';
import { BILLING_ERROR_CODES } from '../error-codes';
import { PROMOTION_CODE_MAX_LENGTH } from './promotion-code-bounds';

/** Set by the server from the session; a caller-supplied value would let one user claim another's payment. */
export const RESERVED_METADATA_KEYS = ['userId'] as const;

// Stripe's own limits (see Stripe's metadata docs), checked here so the caller gets a clear 400
// before any Stripe call is spent. Stripe's 50 keys include the ones the server adds.
const STRIPE_METADATA_MAX_KEYS = 50;
export const METADATA_MAX_KEYS = STRIPE_METADATA_MAX_KEYS - RESERVED_METADATA_KEYS.length;
const METADATA_KEY_MAX = 40;
const METADATA_VALUE_MAX = 500;
const URL_MAX = 2048;
/** Stripe replaces this in success_url with the session id. */
const CHECKOUT_SESSION_ID = '{CHECKOUT_SESSION_ID}';

const required = (field: string, type: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined || issue.input === null ? `${field} is required` : `${field} must be a ${type}`,
});

/** A price id as every billing input takes it: whether it is on offer is checked by the procedure. */
export const priceIdField = z
  .string(required('priceId', 'string'))
  .trim()
  .min(1, BILLING_ERROR_CODES.PRICE_ID_REQUIRED.message)
  // The pattern (not a refinement) so the API document carries it too.
  .regex(PRICE_ID_PATTERN, BILLING_ERROR_CODES.INVALID_PRICE.message);

/**
 * False for text with lone UTF-16 surrogates: JSON carries them, but they cannot be encoded for
 * Stripe's form bodies, so they are refused here rather than failing later as a server error.
 */
function isWellFormed(value: string): boolean {
  return !/\p{Surrogate}/u.test(value);
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
}

export const redirectUrl = (field: string) =>
  z
    .string(required(field, 'string'))
    .max(URL_MAX, `${field} must be at most ${URL_MAX} characters`)
    .refine((value) => isWellFormed(value) && isHttpUrl(value), {
      message: `${field} must be a valid URL`,
      abort: true,
    })
    .refine((value) => {
      const url = new URL(value);
      return url.username === '' && url.password === '';
    }, `${field} must not contain credentials`)
    // The URL parser forgives stray spaces, tabs and slashes (" https:///app/x" is https://app/x);
    // Stripe gets the URL as parsed, so what reaches it is exactly what the origin check saw.
    .transform((value, ctx) => {
      // The parser percent-encodes braces in a path, which would hide Stripe's placeholder from it.
      const href = new URL(value).href.replaceAll('%7BCHECKOUT_SESSION_ID%7D', CHECKOUT_SESSION_ID);
      // Percent-encoding can lengthen a URL, so the limit holds for what is sent, too.
      if (href.length > URL_MAX) {
        ctx.addIssue({ code: 'custom', message: `${field} must be at most ${URL_MAX} characters` });
        return z.NEVER;
      }
      return href;
    });

/** Redirects only to our own web app: an open redirect through Stripe's page is a phishing tool. */
export function assertAllowedRedirect(field: string, value: string, allowed: readonly string[]): void {
  if (!isOriginAllowed(new URL(value).origin, allowed)) {
    throw new TRPCError(BILLING_ERROR_CODES.REDIRECT_NOT_ALLOWED(field, allowed));
  }
}

const shown = (key: string) =>
  JSON.stringify(key.length > METADATA_KEY_MAX ? `${key.slice(0, METADATA_KEY_MAX)}…` : key);

/** What is wrong with one metadata entry, in a message that names it; null when nothing is. */
function metadataProblem(key: string, value: unknown): string | null {
  if ((RESERVED_METADATA_KEYS as readonly string[]).includes(key)) return `metadata.${key} is reserved`;
  if (key.length < 1 || key.length > METADATA_KEY_MAX) {
    return `metadata key ${shown(key)} must be 1 to ${METADATA_KEY_MAX} characters`;
  }
  if (/[[\]]/.test(key)) return `metadata key ${shown(key)} must not contain "[" or "]"`;
  if (!isWellFormed(key)) return `metadata key ${shown(key)} must be valid Unicode text`;
  if (!['string', 'number', 'boolean'].includes(typeof value)) {
    return `metadata.${key} must be a string, number or boolean`;
  }
  const text = String(value);
  if (text.length > METADATA_VALUE_MAX) return `metadata.${key} must be at most ${METADATA_VALUE_MAX} characters`;
  if (!isWellFormed(text)) return `metadata.${key} must be valid Unicode text`;
  return null;
}

const metadata = z
  .record(z.string(), z.unknown(), { error: 'metadata must be an object' })
  .superRefine((entries, ctx) => {
    if (Object.keys(entries).length > METADATA_MAX_KEYS) {
      ctx.addIssue({ code: 'custom', message: BILLING_ERROR_CODES.TOO_MANY_METADATA_KEYS(METADATA_MAX_KEYS).message });
    }
    for (const [key, value] of Object.entries(entries)) {
      const problem = metadataProblem(key, value);
      // Problems with a value point at it; problems with a key point at metadata itself.
      if (problem)
        ctx.addIssue({ code: 'custom', message: problem, path: problem.startsWith('metadata.') ? [key] : [] });
    }
  })
  // Stripe stores metadata as strings; converting here means what we send is what Stripe keeps.
  .transform((entries) => Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, String(value)])));

/** A customer-facing promotion code as typed: surrounding spaces are dropped, case is Stripe's concern. */
export const promotionCodeField = z
  .string(required('promotionCode', 'string'))
  .trim()
  .min(1, 'promotionCode must not be blank')
  .max(PROMOTION_CODE_MAX_LENGTH, `promotionCode must be at most ${PROMOTION_CODE_MAX_LENGTH} characters`)
  .refine(isWellFormed, 'promotionCode must be valid Unicode text');

/** POST /api/billing/checkout and `billing.createCheckout`: one schema for types, validation and docs. */
export const createCheckoutInput = z.strictObject(
  {
    priceId: priceIdField.meta({ description: 'Stripe price ID for the plan', examples: ['price_1ABC123XYZ'] }),
    successUrl: redirectUrl('successUrl').meta({
      description: 'URL to redirect after successful checkout (http(s), on an allowed origin)',
      format: 'uri',
    }),
    cancelUrl: redirectUrl('cancelUrl').meta({
      description: 'URL to redirect if checkout is cancelled (http(s), on an allowed origin)',
      format: 'uri',
    }),
    metadata: metadata
      .meta({
        description:
          `Additional metadata to attach to the session and the subscription: at most ${METADATA_MAX_KEYS} keys of 1 to 40 ` +
          'characters, string, number or boolean values of at most 500 characters (stored as strings). ' +
          '`userId` is reserved: the server adds it, making the 50 keys Stripe allows.',
        examples: [{ plan: 'pro', referralCode: 'FRIEND20' }],
      })
      .optional(),
    promotionCode: promotionCodeField
      .meta({
        description:
          'A customer-facing Stripe promotion code (any case) to discount the subscription. Unknown, inactive, ' +
          'expired or used-up codes answer 400 "Invalid promotion code" and no checkout is started.',
        examples: ['FRIEND20'],
      })
      .optional(),
  },
  { error: requestBodyError },
);
export type CreateCheckoutInput = z.input<typeof createCheckoutInput>;

export const createCheckoutOutput = z.object({
  sessionId: z.string().meta({ description: 'Stripe checkout session ID', examples: ['cs_test_1234567890abcdef'] }),
  url: z.string().meta({ description: 'URL to redirect the customer to', format: 'uri' }),
});
export type CreateCheckoutOutput = z.infer<typeof createCheckoutOutput>;
