import type { AppServices, SessionUser } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import type Stripe from 'stripe';
import type { z } from 'zod';
import { offeredPrice } from '../catalog/plans';
import { ensureCustomer, withLiveCustomer } from '../customers/ensure-customer';
import { BILLING_ERROR_CODES } from '../error-codes';
import { toBillingError } from '../stripe/errors';
import { offeredTrialDays } from '../trials/trial-offer';
import { claimIdempotencyKey } from './idempotent-request';
import { checkoutDiscount } from './promotion-codes';
import { assertAllowedRedirect, type CreateCheckoutOutput, type createCheckoutInput } from './schemas';
import { abandonCheckoutAttempt, settleCheckoutSession, startCheckoutAttempt } from './session-tracking';

/**
 * The seed promises 24 hours; Stripe accepts at most 24 h after *its* clock reads the request, so
 * a minute is kept back for clock skew between us and Stripe.
 */
export const CHECKOUT_VALIDITY_SECONDS = 24 * 60 * 60 - 60;

export async function createCheckout(
  services: AppServices,
  user: SessionUser,
  input: z.output<typeof createCheckoutInput>,
  idempotencyKey: string | null = null,
): Promise<CreateCheckoutOutput> {
  const { stripe, now, settings } = services;
  assertAllowedRedirect('successUrl', input.successUrl, settings.billing.allowedRedirectOrigins);
  assertAllowedRedirect('cancelUrl', input.cancelUrl, settings.billing.allowedRedirectOrigins);

  // Only what the pricing page offers is sold: not a legacy, internal or test price of the same account.
  const price = await offeredPrice(services, input.priceId);

  // One live subscription per user: changing plan happens in the customer portal, not a second checkout.
  // The session lookup answered it in the same round trip (a read without a lock either way: two
  // concurrent checkouts are settled by startCheckoutAttempt and the duplicate-subscription sweep).
  if (user.hasLiveSubscription) {
    throw new TRPCError(BILLING_ERROR_CODES.SUBSCRIPTION_EXISTS);
  }

  const trialDays = await offeredTrialDays(services, user);
  const expiresAt = Math.floor(now().getTime() / 1000) + CHECKOUT_VALIDITY_SECONDS;
  const idempotent = idempotencyKey
    ? await claimIdempotencyKey(services, user.id, idempotencyKey, input, expiresAt)
    : null;
  if (idempotent?.replay) return idempotent.replay;

  // Before the attempt starts: a mistyped code must not expire the user's earlier open checkout.
  const discount = await checkoutDiscount(services, user, input.promotionCode);

  // A replay above returns its session as it is, even once a newer checkout has expired it: the
  // key names that one request's result. Only a request that creates (or re-creates) a session
  // takes part in "the newest checkout is the only payable one".
  const attempt = await startCheckoutAttempt(services, user.id, idempotent?.requestKey ?? null);
  const metadata = { ...input.metadata, userId: user.id };
  let result: CreateCheckoutOutput;
  try {
    const customerId = await ensureCustomer(services, user);
    const session = await withLiveCustomer(services, user, customerId, (customer) =>
      stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer,
          client_reference_id: user.id,
          line_items: [{ price: price.id, quantity: 1 }],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          expires_at: idempotent?.expiresAt ?? expiresAt,
          metadata,
          ...trialParams(trialDays, settings.billing.trialRequiresCard),
          subscription_data: { metadata, ...trialSubscriptionData(trialDays, settings.billing.trialRequiresCard) },
          ...discount,
        },
        idempotent ? { idempotencyKey: idempotent.stripeKeyFor(customer) } : undefined,
      ),
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
    result = { sessionId: session.id, url: session.url };
  } catch (error) {
    await abandonCheckoutAttempt(services, attempt);
    throw toBillingError(error);
  }
  await settleCheckoutSession(services, attempt, result.sessionId);
  await idempotent?.remember(result);
  return result;
}

/**
 * A trial that needs no card: Checkout asks for one only if something is due now (nothing is,
 * during a free trial). https://docs.stripe.com/payments/checkout/free-trials
 */
function trialParams(trialDays: number | null, requiresCard: boolean): Partial<Stripe.Checkout.SessionCreateParams> {
  return trialDays !== null && !requiresCard ? { payment_method_collection: 'if_required' } : {};
}

/** The trial, and (without a card) that the subscription is canceled if none was added when it ends. */
function trialSubscriptionData(
  trialDays: number | null,
  requiresCard: boolean,
): Partial<Stripe.Checkout.SessionCreateParams.SubscriptionData> {
  if (trialDays === null) return {};
  return {
    trial_period_days: trialDays,
    ...(requiresCard ? {} : { trial_settings: { end_behavior: { missing_payment_method: 'cancel' } } }),
  };
}
