import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import type { EventOrigin } from '../events';
import { newId } from '../ids';
import { DEFAULT_BILLING_MODE } from '../objects/billing-mode';
import { buildCustomer } from '../objects/customer';
import { addInterval } from '../objects/price';
import { buildSubscription, type Period } from '../objects/subscription';
import type { CheckoutSession, Customer, Subscription } from '../wire';
import { collectInvoice, draftInvoice } from './invoicing';
import { announceTrialEnding } from './subscriptions';

/** Why a session cannot be paid, for the API error and the hosted page alike. */
export function unpayableReason(ctx: EmulatorContext, session: CheckoutSession): string | undefined {
  if (session.status === 'complete') return 'This Checkout Session is already complete.';
  if (session.status === 'expired' || session.expires_at <= ctx.clock.now())
    return 'This Checkout Session has expired.';
  return undefined;
}

/**
 * What paying on the hosted page does: creates the customer if the session has
 * none, then (subscription mode) the subscription and its paid first invoice,
 * and completes the session. Events, in order: `customer.created` (new
 * customers only), `customer.subscription.created`, `invoice.created`,
 * `invoice.finalized`, `invoice.paid`, `invoice.payment_succeeded`, then
 * `customer.subscription.trial_will_end` for a trial of three days or less,
 * then `checkout.session.completed`.
 */
export function completeCheckoutSession(
  ctx: EmulatorContext,
  session: CheckoutSession,
  origin: EventOrigin,
  enteredEmail?: string,
): CheckoutSession {
  const reason = unpayableReason(ctx, session);
  if (reason) throw invalidRequest(reason);
  const email = session.customer_email ?? enteredEmail ?? null;

  let customer: Customer | undefined;
  if (typeof session.customer === 'string') customer = ctx.store.customers.get(session.customer);
  if (!customer && session.mode === 'subscription') {
    customer = ctx.store.customers.insert(buildCustomer({ email, created: ctx.clock.now() }));
    ctx.events.emit('customer.created', customer, origin);
  }

  if (session.mode === 'subscription' && customer) {
    const subscription = startSubscription(ctx, session, customer, origin);
    session.subscription = subscription.id;
    session.invoice = subscription.latest_invoice;
    // A free trial charges nothing, whether or not it collected a card.
    session.payment_status = subscription.status === 'trialing' ? 'no_payment_required' : 'paid';
  } else {
    session.payment_intent = newId('pi');
    session.payment_status = 'paid';
  }

  session.customer = customer?.id ?? null;
  session.customer_details = {
    address: null,
    business_name: null,
    email: customer?.email ?? email,
    individual_name: null,
    name: customer?.name ?? null,
    phone: customer?.phone ?? null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  session.status = 'complete';
  session.url = null;
  ctx.events.emit('checkout.session.completed', session, origin);
  return session;
}

function startSubscription(
  ctx: EmulatorContext,
  session: CheckoutSession,
  customer: Customer,
  origin: EventOrigin,
): Subscription {
  const now = ctx.clock.now();
  const lineItems = ctx.store.checkoutLineItems.get(session.id) ?? [];
  const lines = lineItems.flatMap((item) => (item.price ? [{ price: item.price, quantity: item.quantity ?? 1 }] : []));
  const firstPrice = lines[0]?.price;
  if (!firstPrice?.recurring) throw new Error(`Checkout session ${session.id} has no recurring price.`);

  const subscriptionData = ctx.store.checkoutSubscriptionData.get(session.id);
  const trialDays = subscriptionData?.trialPeriodDays ?? firstPrice.recurring.trial_period_days;
  const trial: Period | null = trialDays ? { start: now, end: now + trialDays * 86_400 } : null;
  const period = trial ?? { start: now, end: addInterval(now, firstPrice.recurring) };

  // Checkout collects a card unless `payment_method_collection=if_required` and nothing is due now
  // (a free trial): https://docs.stripe.com/payments/checkout/free-trials. The emulator keeps no
  // payment method objects; the id only records that one was collected.
  const collectsCard = session.payment_method_collection !== 'if_required' || !trial;
  const subscription = ctx.store.subscriptions.insert(
    buildSubscription({
      defaultPaymentMethod: collectsCard ? newId('pm') : null,
      missingPaymentMethod: subscriptionData?.missingPaymentMethod ?? 'create_invoice',
      // Sessions saved by an older emulator carry no billing mode; they get Stripe's default.
      billingMode: subscriptionData?.billingMode ?? DEFAULT_BILLING_MODE,
      customer: customer.id,
      lines,
      metadata: { ...(subscriptionData?.metadata ?? {}) },
      created: now,
      period,
      trial,
    }),
  );
  const invoice = draftInvoice(ctx, subscription, 'subscription_create');
  ctx.events.emit('customer.subscription.created', subscription, origin);
  collectInvoice(ctx, invoice, subscription, 'succeeds', origin);
  announceTrialEnding(ctx, subscription, origin);
  return subscription;
}

/** `POST /v1/checkout/sessions/:id/expire`, and what the clock does to open sessions past `expires_at`. */
export function expireCheckoutSession(
  ctx: EmulatorContext,
  session: CheckoutSession,
  origin: EventOrigin,
): CheckoutSession {
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
    );
  }
  session.status = 'expired';
  session.url = null;
  ctx.events.emit('checkout.session.expired', session, origin);
  return session;
}
