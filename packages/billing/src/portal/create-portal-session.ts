import { type AppServices, CORE_ERROR_CODES, type SessionUser } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { assertAllowedRedirect, redirectUrl } from '../checkout/schemas';
import { withLiveCustomer } from '../customers/ensure-customer';
import { BILLING_ERROR_CODES } from '../error-codes';
import { toBillingError } from '../stripe/errors';

export const createPortalSessionInput = z.object(
  {
    returnUrl: redirectUrl('returnUrl').meta({
      description: 'Where the portal sends the user back (http(s), on an allowed origin)',
      format: 'uri',
    }),
  },
  { error: CORE_ERROR_CODES.BODY_NOT_AN_OBJECT.message },
);
export const createPortalSessionOutput = z.object({
  url: z.string().meta({ description: 'URL of the customer portal session to redirect the user to', format: 'uri' }),
});

/** Stripe's customer portal, where the user changes plan, payment method, or cancels. */
export async function createPortalSession(
  services: Pick<AppServices, 'db' | 'stripe' | 'settings'>,
  user: SessionUser,
  input: z.output<typeof createPortalSessionInput>,
): Promise<z.output<typeof createPortalSessionOutput>> {
  const { stripe, settings } = services;
  assertAllowedRedirect('returnUrl', input.returnUrl, settings.billing.allowedRedirectOrigins);
  if (!user.stripeCustomerId) {
    throw new TRPCError(BILLING_ERROR_CODES.NO_BILLING_ACCOUNT);
  }
  try {
    const session = await withLiveCustomer(services, user, user.stripeCustomerId, (customer) =>
      stripe.billingPortal.sessions.create({ customer, return_url: input.returnUrl }),
    );
    return { url: session.url };
  } catch (error) {
    throw toBillingError(error);
  }
}
