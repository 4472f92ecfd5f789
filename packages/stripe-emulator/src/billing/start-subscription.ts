import type { EmulatorContext } from '../context';
import type { EventOrigin } from '../events';
import { idOf } from '../ids';
import type { BillingModeChoice } from '../objects/billing-mode';
import { addInterval } from '../objects/price';
import { buildSubscription, type MissingPaymentMethodBehavior, type Period } from '../objects/subscription';
import type { Metadata } from '../params';
import type { Customer, Price, Subscription } from '../wire';
import { collectInvoice, draftInvoice, type PaymentOutcome } from './invoicing';
import { applyDiscount, type SessionDiscount } from './promotions';
import { announceTrialEnding } from './subscriptions';

export interface NewSubscription {
  customer: Customer;
  lines: { price: Price; quantity: number }[];
  metadata: Metadata;
  billingMode: BillingModeChoice;
  /** When the trial ends, or null for none. */
  trialEnd: number | null;
  defaultPaymentMethod: string | null;
  /** What the trial's end does without a payment method (`trial_settings.end_behavior`). */
  missingPaymentMethod?: MissingPaymentMethodBehavior;
  /**
   * What happens to the first invoice's payment: paid, failed (the subscription stays
   * `incomplete`), or left open for the customer to confirm (`payment_behavior=default_incomplete`).
   */
  firstPayment: PaymentOutcome | 'awaits_confirmation';
  /** A checked coupon or promotion code, applied before the first invoice is drafted. */
  discount?: SessionDiscount | null;
}

/**
 * Starts a subscription as paying a checkout session or `POST /v1/subscriptions` does: the
 * subscription (`trialing`, `active`, or `incomplete` until its first invoice is paid), then its
 * first invoice. Events, in order: `customer.subscription.created`, `invoice.created`,
 * `invoice.finalized`, and, when a payment is attempted, `invoice.paid` + `invoice.payment_succeeded`
 * or `invoice.payment_failed`. A trial's first invoice is free and paid at once; a trial of three days
 * or less announces its end at once (`customer.subscription.trial_will_end`).
 */
export function startSubscription(ctx: EmulatorContext, input: NewSubscription, origin: EventOrigin): Subscription {
  const now = ctx.clock.now();
  const firstPrice = input.lines[0]?.price;
  if (!firstPrice?.recurring) throw new Error('A subscription needs a recurring price.');
  const trial: Period | null = input.trialEnd !== null ? { start: now, end: input.trialEnd } : null;
  const period = trial ?? { start: now, end: addInterval(now, firstPrice.recurring) };
  const subscription = ctx.store.subscriptions.insert(
    buildSubscription({
      billingMode: input.billingMode,
      customer: input.customer.id,
      lines: input.lines,
      metadata: input.metadata,
      created: now,
      period,
      trial,
      testClock: input.customer.test_clock ? idOf(input.customer.test_clock) : null,
      defaultPaymentMethod: input.defaultPaymentMethod,
      missingPaymentMethod: input.missingPaymentMethod ?? 'create_invoice',
    }),
  );
  if (input.discount) applyDiscount(ctx, input.discount, subscription);
  const outcome = trial ? 'succeeds' : input.firstPayment;
  if (outcome !== 'succeeds') subscription.status = 'incomplete';
  const invoice = draftInvoice(ctx, subscription, 'subscription_create');
  ctx.events.emit('customer.subscription.created', subscription, origin);
  collectInvoice(ctx, invoice, subscription, outcome, origin);
  announceTrialEnding(ctx, subscription, origin);
  return subscription;
}
