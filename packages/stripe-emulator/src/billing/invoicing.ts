import type { EmulatorContext } from '../context';
import type { EventOrigin } from '../events';
import {
  type BillingReason,
  buildInvoice,
  buildInvoiceBalanceTransaction,
  failInvoicePayment,
  finalizeInvoice,
  type InvoiceInput,
  payInvoice,
} from '../objects/invoice';
import type { Customer, Invoice, Subscription } from '../wire';
import { invoiceDiscounts, spendOnceDiscounts } from './promotions';

/**
 * Creates (without announcing it yet) the invoice for a subscription's current
 * period and makes it the subscription's `latest_invoice`, so the subscription
 * event that precedes the invoice events already points at it, as on Stripe.
 */
export function draftInvoice(
  ctx: EmulatorContext,
  subscription: Subscription,
  billingReason: BillingReason,
  content: Pick<InvoiceInput, 'lines' | 'period'> = {},
): Invoice {
  const now = ctx.clock.now();
  const discounts = invoiceDiscounts(ctx, subscription, now);
  const invoice = ctx.store.invoices.insert(
    buildInvoice({
      customer: customerOf(ctx, subscription),
      subscription,
      billingReason,
      free: subscription.status === 'trialing',
      created: now,
      discounts,
      ...content,
    }),
  );
  const used = discounts.filter(({ discount }) => invoice.discounts.includes(discount.id));
  spendOnceDiscounts(subscription, used);
  subscription.latest_invoice = invoice.id;
  return invoice;
}

/** Whether the payment goes through; tests can make a renewal fail. */
export type PaymentOutcome = 'succeeds' | 'fails';

/**
 * Takes a draft invoice through open → paid (or a failed attempt), emitting
 * `invoice.created`, `invoice.finalized` (then `customer.updated` when finalizing moved the
 * customer balance), then `invoice.paid` + `invoice.payment_succeeded` or
 * `invoice.payment_failed`, each carrying the invoice as it was at that step.
 */
export function collectInvoice(
  ctx: EmulatorContext,
  invoice: Invoice,
  subscription: Subscription,
  outcome: PaymentOutcome,
  origin: EventOrigin,
): void {
  const now = ctx.clock.now();
  const customer = customerOf(ctx, subscription);
  ctx.events.emit('invoice.created', invoice, origin);
  finalizeInvoice(invoice, customer, now, ctx.publicUrl());
  ctx.events.emit('invoice.finalized', invoice, origin);
  const balanceTransaction = buildInvoiceBalanceTransaction(invoice, customer, now);
  if (balanceTransaction) {
    ctx.store.customerBalanceTransactions.insert(balanceTransaction);
    ctx.events.emit('customer.updated', customer, origin, { balance: invoice.starting_balance });
  }
  if (outcome === 'succeeds') {
    payInvoice(invoice, now);
    ctx.events.emit('invoice.paid', invoice, origin);
    ctx.events.emit('invoice.payment_succeeded', invoice, origin);
  } else {
    ctx.store.decliningCustomers.add(customer.id);
    failInvoicePayment(invoice, now);
    ctx.events.emit('invoice.payment_failed', invoice, origin);
  }
}

/** Whether the customer's saved card declines (a payment failed and they have not saved another since). */
export function cardDeclines(ctx: EmulatorContext, subscription: Subscription): boolean {
  return ctx.store.decliningCustomers.has(customerOf(ctx, subscription).id);
}

export function customerOf(ctx: EmulatorContext, subscription: Subscription): Customer {
  const id = typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
  const customer = ctx.store.customers.get(id);
  if (!customer) throw new Error(`Subscription ${subscription.id} refers to missing customer ${id}.`);
  return customer;
}
