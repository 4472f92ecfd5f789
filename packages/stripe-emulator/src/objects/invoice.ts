import { newId } from '../ids';
import type { Customer, Invoice, InvoiceLineItem, Subscription } from '../wire';

export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

export interface InvoiceInput {
  customer: Customer;
  subscription: Subscription;
  billingReason: BillingReason;
  /** Trial invoices are issued for zero. */
  free: boolean;
  created: number;
}

function buildLines(invoiceId: string, subscription: Subscription, free: boolean): InvoiceLineItem[] {
  return subscription.items.data.map((item) => {
    const quantity = item.quantity ?? 1;
    const amount = free ? 0 : (item.price.unit_amount ?? 0) * quantity;
    const product = typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
    return {
      id: newId('il'),
      object: 'line_item',
      amount,
      currency: item.price.currency,
      description: `${quantity} × ${product} (at ${item.price.unit_amount ?? 0} ${item.price.currency} / ${item.price.recurring?.interval ?? 'once'})`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: invoiceId,
      livemode: false,
      metadata: {},
      parent: {
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: subscription.id,
          subscription_item: item.id,
        },
        type: 'subscription_item_details',
      },
      period: { start: item.current_period_start, end: item.current_period_end },
      pretax_credit_amounts: [],
      pricing: {
        price_details: { price: item.price.id, product },
        type: 'price_details',
        unit_amount_decimal: item.price.unit_amount_decimal,
      },
      quantity,
      quantity_decimal: String(quantity),
      subscription: subscription.id,
      subtotal: amount,
      taxes: [],
    };
  });
}

/** A draft invoice for the subscription's current period; `finalizeInvoice`/`payInvoice` move it on. */
export function buildInvoice(input: InvoiceInput): Invoice {
  const id = newId('in');
  const { customer, subscription } = input;
  const lines = buildLines(id, subscription, input.free);
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const firstItem = subscription.items.data[0];
  // A subscription's first invoice covers the instant it was created; later ones cover the period just ended.
  const periodStart =
    input.billingReason === 'subscription_create' ? input.created : (firstItem?.current_period_start ?? input.created);
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe Emulator',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created: input.created,
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end:
      input.billingReason === 'subscription_create' ? input.created : (firstItem?.current_period_end ?? input.created),
    period_start: periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

export function finalizeInvoice(invoice: Invoice, customer: Customer, now: number): void {
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  invoice.status = 'open';
  invoice.number = `${customer.invoice_prefix ?? 'EMU'}-${String(sequence).padStart(4, '0')}`;
  invoice.effective_at = now;
  invoice.status_transitions.finalized_at = now;
}

export function payInvoice(invoice: Invoice, now: number): void {
  invoice.status = 'paid';
  invoice.attempted = true;
  invoice.attempt_count += 1;
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.ending_balance = 0;
  invoice.status_transitions.paid_at = now;
}

export function failInvoicePayment(invoice: Invoice, now: number): void {
  invoice.attempted = true;
  invoice.attempt_count += 1;
  // Stripe's smart retries try again in a few days.
  invoice.next_payment_attempt = now + 3 * 86_400;
}
