import { newId } from '../ids';
import type { Metadata } from '../params';
import type { Price, Subscription, SubscriptionItem } from '../wire';
import { type BillingModeChoice, billingModeObject } from './billing-mode';
import { planFromPrice } from './price';

export interface Period {
  start: number;
  end: number;
}

export function buildSubscriptionItem(
  subscription: string,
  price: Price,
  quantity: number,
  period: Period,
  created: number,
): SubscriptionItem {
  return {
    id: newId('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created,
    // Since API 2025-03-31 the billing period lives on the item, not on the subscription.
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(price),
    price,
    quantity,
    subscription,
    tax_rates: [],
  };
}

/** `trial_settings.end_behavior.missing_payment_method`: what a trial ending without a payment method does. */
export const MISSING_PAYMENT_METHOD_BEHAVIORS = ['cancel', 'create_invoice', 'pause'] as const;
export type MissingPaymentMethodBehavior = (typeof MISSING_PAYMENT_METHOD_BEHAVIORS)[number];

export interface SubscriptionInput {
  billingMode: BillingModeChoice;
  /** The payment method Checkout collected (a card), or null when it collected none. */
  defaultPaymentMethod: string | null;
  missingPaymentMethod: MissingPaymentMethodBehavior;
  customer: string;
  lines: { price: Price; quantity: number }[];
  metadata: Metadata;
  created: number;
  period: Period;
  trial: Period | null;
  /** The customer's test clock, which the subscription follows. */
  testClock: string | null;
}

export function buildSubscription(input: SubscriptionInput): Subscription {
  const id = newId('sub');
  const items = input.lines.map((line) =>
    buildSubscriptionItem(id, line.price, line.quantity, input.period, input.created),
  );
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: input.period.end === input.trial?.end ? input.trial.end : input.period.start,
    billing_cycle_anchor_config: null,
    billing_mode: billingModeObject(input.billingMode, input.created),
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: input.created,
    currency: input.lines[0]?.price.currency ?? 'usd',
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: input.created,
    status: input.trial ? 'trialing' : 'active',
    test_clock: input.testClock,
    transfer_data: null,
    trial_end: input.trial?.end ?? null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: input.missingPaymentMethod },
    },
    trial_start: input.trial?.start ?? null,
  };
}
