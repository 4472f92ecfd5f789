import { newCheckoutSessionId, newId } from '../ids';
import type { Metadata } from '../params';
import type { CheckoutLineItem, CheckoutSession, Price, Product } from '../wire';

export interface CheckoutSessionInput {
  mode: 'payment' | 'subscription';
  lineItems: CheckoutLineItem[];
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Metadata;
  allowPromotionCodes: boolean | null;
  /** Whether the hosted page asks for a card: `always` (Stripe's default), or `if_required` (only when something is due now). */
  paymentMethodCollection: PaymentMethodCollection;
  created: number;
  expiresAt: number;
  publicUrl: string;
}

export const PAYMENT_METHOD_COLLECTIONS = ['always', 'if_required'] as const;
export type PaymentMethodCollection = (typeof PAYMENT_METHOD_COLLECTIONS)[number];

export function buildLineItem(price: Price, product: Product | undefined, quantity: number): CheckoutLineItem {
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product?.name ?? null,
    discounts: [],
    metadata: {},
    price,
    quantity,
    taxes: [],
  };
}

export function buildCheckoutSession(input: CheckoutSessionInput): CheckoutSession {
  const id = newCheckoutSessionId();
  const amount = input.lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: input.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: input.created,
    currency: input.lineItems[0]?.currency ?? null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: input.customer,
    customer_account: null,
    // Payment mode only creates a customer when asked to; subscription mode always has one.
    customer_creation: input.mode === 'payment' && !input.customer ? 'if_required' : null,
    customer_details: input.customerEmail
      ? {
          address: null,
          business_name: null,
          email: input.customerEmail,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: 'none',
          tax_ids: null,
        }
      : null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      input.mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: input.metadata,
    mode: input.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: input.mode === 'subscription' ? input.paymentMethodCollection : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    // Since API 2026-03-25.dahlia the page Stripe hosts is `hosted_page`, no longer `hosted` (stripe-node 21.0.0 changelog).
    ui_mode: 'hosted_page',
    url: `${input.publicUrl}/c/pay/${id}`,
    wallet_options: null,
  };
}
