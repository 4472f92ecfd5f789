import { defineErrorCodes } from '@subkit/core';

const PROVIDER_UNAVAILABLE = 'The payment provider is unavailable. Please try again.';

/**
 * What billing answers besides core's errors. Schema messages that name a field and appear once
 * (redirect URL and metadata entry checks) stay in `checkout/schemas.ts`; those the API document or
 * tests quote are here.
 */
export const BILLING_ERROR_CODES = defineErrorCodes({
  PRICE_ID_REQUIRED: { code: 'BAD_REQUEST', message: 'priceId is required' },
  /** Malformed, unknown to Stripe, inactive, one-time, or not on offer: the caller cannot tell which. */
  INVALID_PRICE: { code: 'BAD_REQUEST', message: 'Invalid price ID' },
  /** Unknown, inactive, expired or used up: the caller cannot tell which, so codes cannot be probed. */
  INVALID_PROMOTION_CODE: { code: 'BAD_REQUEST', message: 'Invalid promotion code' },
  SUBSCRIPTION_EXISTS: { code: 'CONFLICT', message: 'An active subscription already exists' },
  /** A newer checkout of the same user started meanwhile: only the newest stays payable. */
  CHECKOUT_SUPERSEDED: {
    code: 'CONFLICT',
    message: 'A newer checkout was started for this account; continue with that one',
  },
  /** Unknown to Stripe and another user's session get the same answer, so ids cannot be probed. */
  CHECKOUT_SESSION_NOT_FOUND: { code: 'NOT_FOUND', message: 'Checkout session not found' },
  ALREADY_ON_PLAN: { code: 'BAD_REQUEST', message: 'Already on this plan' },
  NO_LIVE_SUBSCRIPTION: { code: 'BAD_REQUEST', message: 'No active subscription: subscribe to a plan first' },
  /** Stripe kept the old price (a pending update): nothing changed and nothing was charged. */
  UPGRADE_PAYMENT_FAILED: {
    code: 'BAD_REQUEST',
    message:
      'The payment for the new plan failed, so your subscription stays on its current plan. Update your payment method and try again.',
  },
  NO_BILLING_ACCOUNT: { code: 'BAD_REQUEST', message: 'No billing account yet: subscribe to a plan first' },
  /** Not an invoice id, or not one of the caller's invoices: the caller cannot tell which. */
  INVALID_STARTING_AFTER: { code: 'BAD_REQUEST', message: 'Invalid startingAfter' },
  IDEMPOTENCY_KEY_INVALID: {
    code: 'BAD_REQUEST',
    message: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
  },
  IDEMPOTENCY_KEY_REUSED: {
    code: 'CONFLICT',
    message: 'This Idempotency-Key was already used with a different request',
  },
  /**
   * The entitlement gates (`entitlements/`) answer 403: the caller is known but may not use this.
   * Not 402, which HTTP reserves "for future use" and clients treat inconsistently.
   */
  SUBSCRIPTION_REQUIRED: { code: 'FORBIDDEN', message: 'A subscription is required' },
  FEATURE_NOT_INCLUDED: (feature: string) => ({
    code: 'FORBIDDEN',
    message: `Your plan does not include ${feature}`,
  }),
  /** Names the allowed origins (public anyway: they are where the app lives) so a caller can fix the URL. */
  REDIRECT_NOT_ALLOWED: (field: string, allowed: readonly string[]) => ({
    code: 'BAD_REQUEST',
    message: `${field} must be on one of these origins: ${allowed.join(', ')}`,
  }),
  TOO_MANY_METADATA_KEYS: (maxKeys: number) => ({
    code: 'BAD_REQUEST',
    message: `metadata can have at most ${maxKeys} keys`,
  }),
  /** Stripe is rate limiting us: nothing is wrong with the request. */
  PROVIDER_BUSY: { code: 'SERVICE_UNAVAILABLE', message: PROVIDER_UNAVAILABLE },
  /** Stripe failed or could not be reached. */
  PROVIDER_UNREACHABLE: { code: 'BAD_GATEWAY', message: PROVIDER_UNAVAILABLE },
  /** Stripe refused what the caller asked for; Stripe's own wording stays in the log. */
  PROVIDER_REFUSED: {
    code: 'BAD_REQUEST',
    message: 'The payment provider refused this request. Check the values sent and try again.',
  },
});
