import type { EmulatorContext } from '../context';
import { AUTOMATIC, changedAttributes } from '../events';
import { failInvoicePayment, payInvoice } from '../objects/invoice';
import type { Invoice, Subscription } from '../wire';
import { testClockOfCustomer } from './clock-of';
import { cardDeclines } from './invoicing';
import { endSubscription } from './subscriptions';

/**
 * Stripe's automatic retries of failed renewal payments
 * (https://docs.stripe.com/billing/revenue-recovery/smart-retries): an open renewal invoice whose
 * `next_payment_attempt` has passed is charged again with the customer's default payment method.
 * Saving a new payment method does not charge at once; the next scheduled attempt uses it.
 *
 * - Paid: `invoice.paid`, `invoice.payment_succeeded`, and a past_due subscription whose latest
 *   invoice it is becomes `active` (`customer.subscription.updated`).
 * - Declined: `invoice.payment_failed`, the next attempt three days later; after the last attempt
 *   the subscription is canceled (`customer.subscription.deleted`, reason `payment_failed`), the
 *   default of the Dashboard's "if all retries for a payment fail" setting.
 *
 * One attempt per invoice per clock advance: each failure schedules the next from "now".
 */
export function retryDuePayments(ctx: EmulatorContext, testClock: string | null): void {
  const now = ctx.clock.now();
  for (const invoice of ctx.store.invoices.all()) {
    if (!isDueRetry(invoice, now) || testClockOfCustomer(ctx, invoice.customer) !== testClock) continue;
    const subscription = subscriptionOf(ctx, invoice);
    if (!subscription || subscription.status === 'canceled') continue;
    if (cardDeclines(ctx, subscription)) declineRetry(ctx, invoice, subscription, now);
    else payRetry(ctx, invoice, subscription, now);
  }
}

function isDueRetry(invoice: Invoice, now: number): boolean {
  return (
    invoice.status === 'open' &&
    invoice.billing_reason === 'subscription_cycle' &&
    invoice.next_payment_attempt !== null &&
    invoice.next_payment_attempt <= now
  );
}

function subscriptionOf(ctx: EmulatorContext, invoice: Invoice): Subscription | undefined {
  const id = invoice.parent?.subscription_details?.subscription;
  if (!id) return undefined;
  return ctx.store.subscriptions.get(typeof id === 'string' ? id : id.id);
}

function payRetry(ctx: EmulatorContext, invoice: Invoice, subscription: Subscription, now: number): void {
  payInvoice(invoice, now);
  ctx.events.emit('invoice.paid', invoice, AUTOMATIC);
  ctx.events.emit('invoice.payment_succeeded', invoice, AUTOMATIC);
  if (subscription.status !== 'past_due' || subscription.latest_invoice !== invoice.id) return;
  const before = structuredClone(subscription);
  subscription.status = 'active';
  ctx.events.emit('customer.subscription.updated', subscription, AUTOMATIC, changedAttributes(before, subscription));
}

function declineRetry(ctx: EmulatorContext, invoice: Invoice, subscription: Subscription, now: number): void {
  failInvoicePayment(invoice, now);
  ctx.events.emit('invoice.payment_failed', invoice, AUTOMATIC);
  if (invoice.next_payment_attempt !== null) return;
  endSubscription(subscription, now, now, 'payment_failed');
  ctx.events.emit('customer.subscription.deleted', subscription, AUTOMATIC);
}
