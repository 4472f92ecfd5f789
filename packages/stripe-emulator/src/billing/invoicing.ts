import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { changedAttributes, type EventOrigin } from '../events';
import { idOf } from '../ids';
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
  /** `awaits_confirmation`: finalized and left open, no payment attempted (`default_incomplete`). */
  outcome: PaymentOutcome | 'awaits_confirmation',
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
  if (outcome === 'awaits_confirmation') return;
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

/**
 * `POST /v1/invoices/:id/pay`: pays an open invoice with the customer's card (the emulator's always
 * goes through). Events: `invoice.paid`, `invoice.payment_succeeded`, then, when it was the latest
 * invoice of an `incomplete` or `past_due` subscription, `customer.subscription.updated` as it
 * becomes `active`.
 */
export function payOpenInvoice(ctx: EmulatorContext, invoice: Invoice, origin: EventOrigin): Invoice {
  if (invoice.status !== 'open') {
    throw invalidRequest(
      invoice.status === 'paid'
        ? 'Invoice is already paid.'
        : `You can only pay an open invoice; this one is ${invoice.status}.`,
    );
  }
  payInvoice(invoice, ctx.clock.now());
  ctx.events.emit('invoice.paid', invoice, origin);
  ctx.events.emit('invoice.payment_succeeded', invoice, origin);
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? ctx.store.subscriptions.get(idOf(subscriptionId)) : undefined;
  if (
    subscription &&
    subscription.latest_invoice === invoice.id &&
    (subscription.status === 'incomplete' || subscription.status === 'past_due')
  ) {
    const before = structuredClone(subscription);
    subscription.status = 'active';
    ctx.events.emit('customer.subscription.updated', subscription, origin, changedAttributes(before, subscription));
  }
  return invoice;
}
