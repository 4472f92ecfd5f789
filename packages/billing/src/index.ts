export { isOnOffer, listPlans, offerProblems, type Plan, planOutput, plansOutput } from './catalog/plans';
export { forgetPrices, getPrice, isPriceId, PRICE_ID_PATTERN, type PriceInfo } from './catalog/prices';
export { CHECKOUT_VALIDITY_SECONDS, createCheckout } from './checkout/create-checkout';
export { deleteExpiredCheckoutClaims } from './checkout/idempotent-request';
export * from './checkout/schemas';
export { deleteSpentCheckoutSessions } from './checkout/session-tracking';
export { syncCheckoutInput } from './checkout/sync-checkout';
export { ensureCustomer } from './customers/ensure-customer';
export {
  deriveEntitlements,
  type Entitlements,
  entitlementsOf,
  entitlementsOutput,
  SUBSCRIBED_STATUSES,
} from './entitlements/entitlements';
export { entitledProcedure, subscribedProcedure } from './entitlements/procedures';
export { BILLING_ERROR_CODES } from './error-codes';
export { deleteExpiredRequestClaims } from './idempotency/idempotent-mutation';
export {
  type InvoiceSummary,
  invoiceOutput,
  listInvoicesInput,
  listInvoicesOutput,
} from './invoices/list-invoices';
export * from './plan-changes/schemas';
export { createPortalSessionInput, createPortalSessionOutput } from './portal/create-portal-session';
export { billingRestRoutes, SEED_CHECKOUT_EXAMPLES } from './rest-routes';
export { billingRouter } from './router';
export type { BillingSettings } from './settings';
export { createStripeClient, type StripeClientOptions } from './stripe/client';
export { toBillingError } from './stripe/errors';
export {
  pendingChangeOutput,
  type SubscriptionSummary,
  subscriptionOutput,
} from './subscriptions/current-subscription';
export type { BillingLogger } from './subscriptions/duplicate-subscriptions';
export {
  DEFAULT_DRAIN_OPTIONS,
  pendingEventCount,
  type StripeReadBudget,
  startWebhookDrain,
  type WebhookDrain,
} from './webhooks/drain';
export { deleteOldWebhookEvents, PROCESSED_EVENT_RETENTION_DAYS } from './webhooks/ledger-retention';
export { receiveStripeEvent } from './webhooks/process-event';
