/**
 * The bound of a customer-facing promotion code, without zod: the web app imports it
 * (`@subkit/billing/promotion-code-bounds`) to carry a visitor's code through sign-up from its very
 * first load, where zod would cost ~22 KB gzip. The server's `promotionCodeField` is the schema;
 * the browser only checks the shape and the server decides.
 *
 * Stripe's own codes are letters and digits; the limit only keeps absurd input from reaching Stripe.
 */
export const PROMOTION_CODE_MAX_LENGTH = 100;
