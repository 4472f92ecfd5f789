import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest } from '../errors';
import type { EventOrigin } from '../events';
import { newId } from '../ids';
import { DEFAULT_BILLING_MODE } from '../objects/billing-mode';
import { buildCustomer } from '../objects/customer';
import type { CheckoutSession, Customer, Subscription } from '../wire';
import { assertRedeemable, type SessionDiscount, sessionDiscount } from './promotions';
import { startSubscription } from './start-subscription';

/** Why a session cannot be paid, for the API error and the hosted page alike. */
export function unpayableReason(ctx: EmulatorContext, session: CheckoutSession): string | undefined {
  if (session.status === 'complete') return 'This Checkout Session is already complete.';
  if (session.status === 'expired' || session.expires_at <= ctx.clock.now())
    return 'This Checkout Session has expired.';
  return undefined;
}

/**
 * Stripe's hosted page asks for an email when the session names neither a customer nor
 * `customer_email`, and will not complete without one: every customer Checkout creates has an email.
 */
export function asksForEmail(session: CheckoutSession): boolean {
  return session.customer === null && session.customer_email === null;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
  // Checked before anything changes: the code may have run out since the session was made.
  const discount = sessionDiscount(ctx, session);
  if (discount) assertRedeemable(ctx, discount);
  const email = session.customer_email ?? (enteredEmail?.trim() || null);
  if (asksForEmail(session) && (email === null || !EMAIL_SHAPE.test(email))) {
    throw invalidParam(
      'email',
      email === null
        ? 'An email address is required to complete this Checkout Session.'
        : `Invalid email address: ${email}`,
      email === null ? 'parameter_missing' : 'email_invalid',
    );
  }

  let customer: Customer | undefined;
  if (typeof session.customer === 'string') customer = ctx.store.customers.get(session.customer);
  if (!customer && session.mode === 'subscription') {
    customer = ctx.store.customers.insert(buildCustomer({ email, created: ctx.clock.now() }));
    ctx.events.emit('customer.created', customer, origin);
  }

  if (session.mode === 'subscription' && customer) {
    const subscription = startSessionSubscription(ctx, session, customer, discount, origin);
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

/** The subscription a paid subscription-mode session starts, with `subscription_data` applied. */
function startSessionSubscription(
  ctx: EmulatorContext,
  session: CheckoutSession,
  customer: Customer,
  discount: SessionDiscount | null,
  origin: EventOrigin,
): Subscription {
  const lineItems = ctx.store.checkoutLineItems.get(session.id) ?? [];
  const lines = lineItems.flatMap((item) => (item.price ? [{ price: item.price, quantity: item.quantity ?? 1 }] : []));
  const firstPrice = lines[0]?.price;
  if (!firstPrice?.recurring) throw new Error(`Checkout session ${session.id} has no recurring price.`);
  const subscriptionData = ctx.store.checkoutSubscriptionData.get(session.id);
  const trialDays = subscriptionData?.trialPeriodDays ?? firstPrice.recurring.trial_period_days;
  const trialEnd = trialDays ? ctx.clock.now() + trialDays * 86_400 : null;
  // Checkout collects a card unless `payment_method_collection=if_required` and nothing is due now
  // (a free trial): https://docs.stripe.com/payments/checkout/free-trials. The emulator keeps no
  // payment method objects; the id only records that one was collected.
  const collectsCard = session.payment_method_collection !== 'if_required' || trialEnd === null;
  return startSubscription(
    ctx,
    {
      customer,
      lines,
      metadata: { ...(subscriptionData?.metadata ?? {}) },
      // Sessions saved by an older emulator carry no billing mode; they get Stripe's default.
      billingMode: subscriptionData?.billingMode ?? DEFAULT_BILLING_MODE,
      trialEnd,
      defaultPaymentMethod: collectsCard ? newId('pm') : null,
      missingPaymentMethod: subscriptionData?.missingPaymentMethod ?? 'create_invoice',
      firstPayment: 'succeeds',
      discount,
    },
    origin,
  );
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
