import { TRPCError } from '@trpc/server';
import Stripe from 'stripe';

import { BILLING_ERROR_CODES } from '../error-codes';

/**
 * Turns a failed Stripe call into the error our callers see. Stripe's own messages and request
 * details stay in the cause (logged server-side), never in the response.
 */
export function toBillingError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new TRPCError({ ...BILLING_ERROR_CODES.PROVIDER_BUSY, cause: error });
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
  ) {
    return new TRPCError({ ...BILLING_ERROR_CODES.PROVIDER_UNREACHABLE, cause: error });
  }
  // A 400 invalid_request_error is Stripe refusing what the caller asked for (a price deactivated
  // a moment ago, a value Stripe will not take): the caller's to fix, so 400, with our own wording.
  // Missing objects (`resource_missing`) are not: callers handle those where they expect them.
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.statusCode === 400 &&
    error.code !== 'resource_missing'
  ) {
    return new TRPCError({ ...BILLING_ERROR_CODES.PROVIDER_REFUSED, cause: error });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
}

/** Stripe answered "no such object" (404, or 400 `resource_missing` on a referenced id). */
export function isMissingResource(error: unknown): error is Stripe.errors.StripeInvalidRequestError {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing';
}
