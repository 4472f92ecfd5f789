import { CORE_ERROR_CODES, type RestRoutesOf } from '@subkit/core';
import { plansOutput } from './catalog/plans';
import { createCheckoutInput, createCheckoutOutput } from './checkout/schemas';
import { BILLING_ERROR_CODES } from './error-codes';
import { createPortalSessionInput, createPortalSessionOutput } from './portal/create-portal-session';
import type { billingRouter } from './router';
import { subscriptionOutput } from './subscriptions/current-subscription';

// The contract's examples (../shared/seed), verbatim.
const seedCheckout = {
  curl: {
    priceId: 'price_1ABC123XYZ',
    successUrl: 'https://app.example.com/dashboard?checkout=success',
    cancelUrl: 'https://app.example.com/pricing?checkout=cancelled',
    metadata: { plan: 'pro', referralCode: 'FRIEND20' },
  },
  typescript: {
    priceId: 'price_1ABC123XYZ',
    successUrl: 'https://app.example.com/dashboard?checkout=success',
    cancelUrl: 'https://app.example.com/pricing?checkout=cancelled',
  },
  success: {
    sessionId: 'cs_test_1234567890abcdef',
    url: 'https://checkout.stripe.com/pay/cs_test_1234567890abcdef',
  },
};

/** The REST twins of the billing procedures (served and documented by the server). */
export const billingRestRoutes = {
  createCheckout: {
    method: 'POST',
    url: '/api/billing/checkout',
    input: createCheckoutInput,
    output: createCheckoutOutput,
    docs: {
      tag: 'Billing',
      summary: 'Create Checkout Session',
      description: [
        'Initiates a Stripe checkout session for subscribing to a plan.',
        '',
        '- The checkout session is valid for 24 hours.',
        '- Customers without a Stripe customer ID will have one created automatically.',
        '- Metadata is passed through to the subscription for tracking (plus `userId`, which callers cannot set).',
        '- Webhook events handle the actual subscription creation after checkout completes.',
        "- `successUrl` and `cancelUrl` must be on the web app's origin (`PUBLIC_URL`) or one in `ALLOWED_REDIRECT_ORIGINS`.",
        '- A user with a live subscription gets 409 and manages it in the billing portal instead.',
        "- A new checkout expires the user's earlier open checkout sessions: only the newest can be paid. Of two",
        '  checkouts in flight at once, the older one gets 409.',
      ].join('\n'),
      auth: true,
      errors: [400, 401, 409, 413, 415, 429, 502, 503],
      idempotent: true,
      examples: {
        request: {
          curl: { summary: 'Example Request (curl)', value: seedCheckout.curl },
          typescript: { summary: 'TypeScript Example (no metadata)', value: seedCheckout.typescript },
        },
        responses: {
          200: { success: { summary: 'Success Response', value: seedCheckout.success } },
          400: {
            missingPriceId: { summary: 'Missing Price ID', value: BILLING_ERROR_CODES.PRICE_ID_REQUIRED },
            invalidPrice: { summary: 'Invalid Price', value: BILLING_ERROR_CODES.INVALID_PRICE },
          },
          401: { unauthorized: { summary: 'Unauthorized', value: CORE_ERROR_CODES.UNAUTHENTICATED } },
          409: {
            live: { value: BILLING_ERROR_CODES.SUBSCRIPTION_EXISTS },
            superseded: { value: BILLING_ERROR_CODES.CHECKOUT_SUPERSEDED },
          },
        },
      },
    },
  },
  plans: {
    method: 'GET',
    url: '/api/billing/plans',
    output: plansOutput,
    docs: {
      tag: 'Billing',
      summary: 'The plans on offer',
      description: 'The recurring prices the pricing page offers, in the configured order (`PLANS`).',
      auth: false,
      errors: [502, 503],
    },
  },
  subscription: {
    method: 'GET',
    url: '/api/billing/subscription',
    output: subscriptionOutput,
    docs: {
      tag: 'Billing',
      summary: "The user's subscription",
      description: 'A live (active, trialing or past_due) subscription first, else the most recent; `null` if none.',
      auth: true,
      errors: [401, 503],
    },
  },
  createPortalSession: {
    method: 'POST',
    url: '/api/billing/portal',
    input: createPortalSessionInput,
    output: createPortalSessionOutput,
    docs: {
      tag: 'Billing',
      summary: 'Open the customer portal',
      description: 'A Stripe customer portal session, where the user changes plan or payment method, or cancels.',
      auth: true,
      errors: [400, 401, 413, 415, 429, 502, 503],
      examples: {
        request: { portal: { value: { returnUrl: 'https://app.example.com/dashboard' } } },
        responses: {
          400: {
            noCustomer: { value: BILLING_ERROR_CODES.NO_BILLING_ACCOUNT },
          },
        },
      },
    },
  },
} satisfies RestRoutesOf<typeof billingRouter>;
