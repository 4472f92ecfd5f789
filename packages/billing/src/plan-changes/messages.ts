/**
 * The error messages of plan changes, in one place so they can join the package's error
 * catalogue. "Invalid price ID" is checkout's wording, kept identical for the same mistake.
 */
export const INVALID_PRICE = 'Invalid price ID';
export const ALREADY_ON_PLAN = 'Already on this plan';
export const NO_LIVE_SUBSCRIPTION = 'No active subscription: subscribe to a plan first';
export const UPGRADE_PAYMENT_FAILED =
  'The payment for the new plan failed, so your subscription stays on its current plan. Update your payment method and try again.';
