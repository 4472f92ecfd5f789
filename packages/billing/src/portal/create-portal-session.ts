import type { AppServices, SessionUser } from '@subkit/core';
import { requestBodyError } from '@subkit/core/request-body';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { assertAllowedRedirect, redirectUrl } from '../checkout/schemas';
import { withLiveCustomer } from '../customers/ensure-customer';
import { BILLING_ERROR_CODES } from '../error-codes';
import { toBillingError } from '../stripe/errors';

export const createPortalSessionInput = z.strictObject(
  {
    returnUrl: redirectUrl('returnUrl').meta({
      description: 'Where the portal sends the user back (http(s), on an allowed origin)',
      format: 'uri',
    }),
    flow: z.enum(['payment_method_update'], { error: 'flow must be payment_method_update' }).optional().meta({
      description:
        "Open straight on one of the portal's flows: `payment_method_update` asks for a new card, then returns to `returnUrl`",
    }),
  },
  { error: requestBodyError },
);
export const createPortalSessionOutput = z.object({
  url: z.string().meta({ description: 'URL of the customer portal session to redirect the user to', format: 'uri' }),
});

/**
 * Stripe's customer portal, where the user changes plan, payment method, or cancels; with `flow`,
 * a session that opens on that flow (the dashboard's "Update payment method" after a failed payment).
 */
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
      stripe.billingPortal.sessions.create({
        customer,
        return_url: input.returnUrl,
        // https://docs.stripe.com/customer-management/portal-deep-links: the flow, then back to the app.
        ...(input.flow && {
          flow_data: {
            type: input.flow,
            after_completion: { type: 'redirect', redirect: { return_url: input.returnUrl } },
          },
        }),
      }),
    );
    return { url: session.url };
  } catch (error) {
    throw toBillingError(error);
  }
}
