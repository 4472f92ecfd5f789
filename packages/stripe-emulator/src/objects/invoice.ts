import { newId } from '../ids';
import type {
  Customer,
  CustomerBalanceTransaction,
  Invoice,
  InvoiceLineItem,
  Price,
  Subscription,
  SubscriptionItem,
} from '../wire';
import { type AppliedCoupon, couponAmounts } from './coupon';

export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'upcoming';

export interface InvoiceInput {
  customer: Customer;
  subscription: Subscription;
  billingReason: BillingReason;
  /** Trial invoices are issued for zero. */
  free: boolean;
  created: number;
  /** What to bill; default the regular line of each item for its current period. */
  lines?: LineSpec[];
  /** Invoice id; previews use Stripe's `upcoming_in_` prefix. */
  id?: string;
  /** The period the invoice covers, when it is not the one `billingReason` implies. */
  period?: { start: number; end: number };
  /** The subscription's discounts that apply to this invoice, in the order Stripe applies them. */
  discounts?: readonly AppliedCoupon[];
}

/**
 * One line to bill: a subscription item's period at its price, or a proration (credit for unused
 * time on an old price, charge for the remaining time on a new one), which Stripe bills through an
 * invoice item, hence `invoiceItem`.
 */
export interface LineSpec {
  itemId: string;
  price: Price;
  quantity: number;
  amount: number;
  period: { start: number; end: number };
  proration: boolean;
  description: string;
  /**
   * A proration's share of the subscription's discounts, worked out when it was made (see
   * `billing/prorations.ts`); zero amounts when `amount` is already net. Regular lines get theirs
   * from the invoice's discounts instead.
   */
  discountAmounts?: LineDiscountAmount[];
}

export interface LineDiscountAmount {
  amount: number;
  discount: string;
}

const productId = (price: Price) => (typeof price.product === 'string' ? price.product : price.product.id);

/** The regular line for an item's current period (zero during a trial). */
export function periodLine(item: SubscriptionItem, free: boolean): LineSpec {
  const quantity = item.quantity ?? 1;
  const { price } = item;
  return {
    itemId: item.id,
    price,
    quantity,
    amount: free ? 0 : (price.unit_amount ?? 0) * quantity,
    period: { start: item.current_period_start, end: item.current_period_end },
    proration: false,
    description: `${quantity} × ${productId(price)} (at ${price.unit_amount ?? 0} ${price.currency} / ${price.recurring?.interval ?? 'once'})`,
  };
}

export function buildLine(invoiceId: string, subscriptionId: string, spec: LineSpec): InvoiceLineItem {
  const { price, quantity, amount } = spec;
  return {
    id: newId('il'),
    object: 'line_item',
    amount,
    currency: price.currency,
    description: spec.description,
    discount_amounts: spec.discountAmounts ?? [],
    // Stripe does not discount prorations again: they carry their own share (`discountAmounts`).
    discountable: !spec.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: spec.proration ? newId('ii') : null,
        proration: spec.proration,
        proration_details: { credited_items: null },
        subscription: subscriptionId,
        subscription_item: spec.itemId,
      },
      type: 'subscription_item_details',
    },
    period: spec.period,
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: price.id, product: productId(price) },
      type: 'price_details',
      unit_amount_decimal: price.unit_amount_decimal,
    },
    quantity,
    quantity_decimal: String(quantity),
    subscription: subscriptionId,
    subtotal: amount,
    taxes: [],
  };
}

/** A draft invoice for the subscription's current period; `finalizeInvoice`/`payInvoice` move it on. */
export function buildInvoice(input: InvoiceInput): Invoice {
  const id = input.id ?? newId('in');
  const { customer, subscription } = input;
  const specs = input.lines ?? subscription.items.data.map((item) => periodLine(item, input.free));
  const lines = specs.map((spec) => buildLine(id, subscription.id, spec));
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const { appliedIds, totals } = withProrationDiscounts(
    lines,
    discountLines(lines, input.discounts ?? [], subscription.currency),
  );
  const discountTotal = totals.reduce((sum, entry) => sum + entry.amount, 0);
  const total = subtotal - discountTotal;
  // Until finalization Stripe shows the customer's current balance as `starting_balance`.
  const { amountDue } = applyBalance(total, customer.balance);
  const firstItem = subscription.items.data[0];
  // A subscription's first invoice covers the instant it was created; later ones cover the period just ended.
  const periodStart =
    input.period?.start ??
    (input.billingReason === 'subscription_create'
      ? input.created
      : (firstItem?.current_period_start ?? input.created));
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe Emulator',
    account_tax_ids: null,
    amount_due: amountDue,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: amountDue,
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
    discounts: appliedIds,
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
      input.period?.end ??
      (input.billingReason === 'subscription_create'
        ? input.created
        : (firstItem?.current_period_end ?? input.created)),
    period_start: periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: customer.balance,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: subscription.test_clock,
    total,
    total_discount_amounts: totals,
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

/**
 * Applies the discounts to the discountable lines (each line's `discount_amounts`), one after the
 * other on what the previous ones left, as Stripe stacks them. Returns the discounts the invoice
 * carries (each with a discountable line, even if it took nothing, as a `once` coupon on a $0 trial
 * invoice does) and the invoice's `total_discount_amounts`.
 */
function discountLines(
  lines: InvoiceLineItem[],
  discounts: readonly AppliedCoupon[],
  currency: string,
): { appliedIds: string[]; totals: { amount: number; discount: string }[] } {
  const discountable = lines.filter((line) => line.discountable);
  if (discountable.length === 0) return { appliedIds: [], totals: [] };
  const left = discountable.map((line) => line.amount);
  const totals = discounts.map(({ discount, coupon }) => {
    const amounts = couponAmounts(coupon, left, currency);
    discountable.forEach((line, index) => {
      const amount = amounts[index] ?? 0;
      line.discount_amounts = [...(line.discount_amounts ?? []), { amount, discount: discount.id }];
      left[index] = (left[index] ?? 0) - amount;
    });
    return { amount: amounts.reduce((sum, amount) => sum + amount, 0), discount: discount.id };
  });
  return { appliedIds: discounts.map(({ discount }) => discount.id), totals };
}

/**
 * Adds what the prorations' discounts took (nothing when their amounts are already net) to the
 * invoice's `total_discount_amounts`, and their discounts to its `discounts`.
 */
function withProrationDiscounts(
  lines: readonly InvoiceLineItem[],
  applied: { appliedIds: string[]; totals: LineDiscountAmount[] },
): { appliedIds: string[]; totals: LineDiscountAmount[] } {
  const appliedIds = [...applied.appliedIds];
  const totals = applied.totals.map((entry) => ({ ...entry }));
  for (const line of lines) {
    if (line.discountable) continue;
    for (const { amount, discount } of line.discount_amounts ?? []) {
      const id = typeof discount === 'string' ? discount : discount.id;
      if (!appliedIds.includes(id)) appliedIds.push(id);
      if (amount === 0) continue;
      const total = totals.find((entry) => entry.discount === id);
      if (total) total.amount += amount;
      else totals.push({ amount, discount: id });
    }
  }
  return { appliedIds, totals };
}

/**
 * How an invoice's total meets the customer balance (negative = credit the customer holds, positive
 * = what they owe), per Stripe's invoice spec: `amount_due` is "Final amount due at this time for
 * this invoice. [...] if there is account credit that can be applied to the invoice, the amount_due
 * may be 0. If there is a positive starting_balance for the invoice (the customer owes money), the
 * amount_due will also take that into account", and `ending_balance` is the "Ending customer balance
 * after the invoice is finalized". A negative total therefore never asks for a negative amount: it
 * leaves `amount_due` at 0 and its credit on the balance.
 */
export function applyBalance(total: number, startingBalance: number): { amountDue: number; endingBalance: number } {
  const owed = total + startingBalance;
  return { amountDue: Math.max(0, owed), endingBalance: Math.min(0, owed) };
}

/** Where a finalized invoice's page and PDF are served; Stripe's are on invoice.stripe.com and pay.stripe.com. */
const hostedInvoiceUrl = (publicUrl: string, id: string) => `${publicUrl}/i/${id}`;
const invoicePdfUrl = (publicUrl: string, id: string) => `${publicUrl}/invoice/${id}/pdf`;

/**
 * Finalizing numbers the invoice (the customer's `invoice_prefix`, then the customer's next
 * sequence number, as Stripe's default customer-level numbering does) and gives it its hosted
 * page and PDF, which Stripe's spec leaves null until then.
 */
export function finalizeInvoice(invoice: Invoice, customer: Customer, now: number, publicUrl: string): void {
  settleBalance(invoice, customer);
  const sequence = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = sequence + 1;
  invoice.status = 'open';
  invoice.number = `${customer.invoice_prefix ?? 'EMU'}-${String(sequence).padStart(4, '0')}`;
  invoice.effective_at = now;
  invoice.hosted_invoice_url = hostedInvoiceUrl(publicUrl, invoice.id);
  invoice.invoice_pdf = invoicePdfUrl(publicUrl, invoice.id);
  invoice.status_transitions.finalized_at = now;
}

/**
 * Stripe applies the customer balance when it finalizes the invoice ("Starting customer balance
 * before the invoice is finalized"): the invoice records the balance before and after, and the
 * customer keeps what is left.
 */
function settleBalance(invoice: Invoice, customer: Customer): void {
  const { amountDue, endingBalance } = applyBalance(invoice.total, customer.balance);
  invoice.starting_balance = customer.balance;
  invoice.amount_due = amountDue;
  invoice.amount_remaining = amountDue;
  invoice.ending_balance = endingBalance;
  customer.balance = endingBalance;
}

/**
 * The balance movement a finalized invoice made: type `applied_to_invoice` (Stripe's customer
 * balance transaction types), positive when the invoice consumed credit, negative when its negative
 * total left credit. Null when the balance did not move.
 */
export function buildInvoiceBalanceTransaction(
  invoice: Invoice,
  customer: Customer,
  created: number,
): CustomerBalanceTransaction | null {
  const startingBalance = invoice.starting_balance;
  const endingBalance = invoice.ending_balance ?? startingBalance;
  if (endingBalance === startingBalance) return null;
  return {
    id: newId('cbtxn'),
    object: 'customer_balance_transaction',
    amount: endingBalance - startingBalance,
    checkout_session: null,
    created,
    credit_note: null,
    currency: invoice.currency,
    customer: customer.id,
    customer_account: null,
    description: null,
    ending_balance: endingBalance,
    invoice: invoice.id,
    livemode: false,
    metadata: null,
    type: 'applied_to_invoice',
  };
}

/**
 * Attempts at a renewal invoice before Stripe gives up on it: the first and three retries, as a
 * custom retry schedule (https://docs.stripe.com/billing/revenue-recovery/smart-retries#custom-retry-schedule).
 */
export const MAX_PAYMENT_ATTEMPTS = 4;
const RETRY_AFTER_SECONDS = 3 * 86_400;

export function payInvoice(invoice: Invoice, now: number): void {
  invoice.status = 'paid';
  invoice.next_payment_attempt = null;
  invoice.attempted = true;
  invoice.attempt_count += 1;
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.status_transitions.paid_at = now;
}

export function failInvoicePayment(invoice: Invoice, now: number): void {
  invoice.attempted = true;
  invoice.attempt_count += 1;
  // Stripe tries again in a few days; after the last attempt there is no next one.
  invoice.next_payment_attempt = invoice.attempt_count < MAX_PAYMENT_ATTEMPTS ? now + RETRY_AFTER_SECONDS : null;
}
