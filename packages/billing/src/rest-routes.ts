import { CORE_ERROR_CODES, type DocumentedStatus, type RestRoutesOf } from '@subkit/core';
import { noFieldsInput } from '@subkit/core/request-body';
import { plansOutput } from './catalog/plans';
import { createCheckoutInput, createCheckoutOutput } from './checkout/schemas';
import { syncCheckoutInput } from './checkout/sync-checkout';
import { entitlementsOutput } from './entitlements/entitlements';
import { BILLING_ERROR_CODES } from './error-codes';
import { listInvoicesInput, listInvoicesOutput } from './invoices/list-invoices';
import { changePlanInput, previewPlanChangeInput, previewPlanChangeOutput } from './plan-changes/schemas';
import { createPortalSessionInput, createPortalSessionOutput } from './portal/create-portal-session';
import type { billingRouter } from './router';
import { subscriptionOutput } from './subscriptions/current-subscription';

/**
 * The contract's checkout examples (../shared/seed), verbatim: the OpenAPI document carries them,
 * and the API tests check that they pass its schemas. The TypeScript example's
 * `${window.location.origin}` is rendered as the seed's own app origin.
 */
export const SEED_CHECKOUT_EXAMPLES = {
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

/** A subscription view as the plan-change routes return it. */
const subscriptionExample = {
  id: 'sub_1NxYz2AbCdEf',
  status: 'active',
  priceId: 'price_1ABC123XYZ',
  productName: 'Pro',
  quantity: 1,
  currentPeriodEnd: '2026-12-31T00:00:00.000Z',
  interval: 'month',
  cancelAtPeriodEnd: false,
  pendingChange: { priceId: 'price_starter_monthly', effectiveAt: '2026-12-31T00:00:00.000Z' },
  canceledAt: null,
  endedAt: null,
  trialEnd: null,
  endsWithTrial: false,
  metadata: { userId: '3f0c9a2e-6c1b-4c8e-9a51-0d2f1b7c4e11' },
};

const planChangeErrors = {
  noSubscription: { summary: 'No live subscription', value: BILLING_ERROR_CODES.NO_LIVE_SUBSCRIPTION },
  keyReused: {
    summary: 'Idempotency-Key reused with another body',
    value: BILLING_ERROR_CODES.IDEMPOTENCY_KEY_REUSED,
  },
};

const unauthorizedExample = {
  unauthorized: { summary: 'Unauthorized', value: CORE_ERROR_CODES.UNAUTHENTICATED },
};

/** The signed-in JSON-body POSTs that honour Idempotency-Key and can conflict, so answer the same statuses. */
const idempotentJsonMutation = {
  auth: true,
  errors: [400, 401, 409, 413, 415, 429, 502, 503] satisfies DocumentedStatus[],
  idempotent: true,
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
        "- `successUrl` and `cancelUrl` must be on the web app's origin (`PUBLIC_URL`) or one in `ALLOWED_REDIRECT_ORIGINS`;",
        "  the examples' `https://app.example.com` is neither unless you allow it, so change it to try them here.",
        '- A user with a live subscription gets 409 and manages it in the billing portal instead.',
        "- A new checkout expires the user's earlier open checkout sessions: only the newest can be paid. Of two",
        '  checkouts in flight at once, the older one gets 409.',
        '- `promotionCode` (optional, any case) discounts the subscription; a code Stripe would not redeem (unknown,',
        '  inactive, expired, used up) answers 400 `Invalid promotion code` before any session is made. Without it,',
        "  `ALLOW_PROMOTION_CODES=true` lets the customer type a code on Stripe's page.",
      ].join('\n'),
      ...idempotentJsonMutation,
      examples: {
        request: {
          curl: { summary: 'Example Request (curl)', value: SEED_CHECKOUT_EXAMPLES.curl },
          typescript: { summary: 'TypeScript Example (no metadata)', value: SEED_CHECKOUT_EXAMPLES.typescript },
        },
        responses: {
          200: { success: { summary: 'Success Response', value: SEED_CHECKOUT_EXAMPLES.success } },
          400: {
            missingPriceId: { summary: 'Missing Price ID', value: BILLING_ERROR_CODES.PRICE_ID_REQUIRED },
            invalidPrice: { summary: 'Invalid Price', value: BILLING_ERROR_CODES.INVALID_PRICE },
            invalidPromotionCode: {
              summary: 'Invalid Promotion Code',
              value: BILLING_ERROR_CODES.INVALID_PROMOTION_CODE,
            },
          },
          401: unauthorizedExample,
          409: {
            live: { value: BILLING_ERROR_CODES.SUBSCRIPTION_EXISTS },
            superseded: { value: BILLING_ERROR_CODES.CHECKOUT_SUPERSEDED },
          },
        },
      },
    },
  },
  syncCheckout: {
    method: 'POST',
    url: '/api/billing/checkout/sync',
    input: syncCheckoutInput,
    output: subscriptionOutput,
    docs: {
      tag: 'Billing',
      summary: 'Sync a checkout session',
      description: [
        "Reads the caller's checkout session from Stripe and, once it is complete, records its subscription at",
        'once, as its webhooks will: call it on the success URL (`?session_id={CHECKOUT_SESSION_ID}`) so the',
        'subscription shows without waiting for webhooks. Returns the subscription as `GET /api/billing/subscription` does.',
        '',
        '- Safe to repeat, and in any order with the webhooks: the newest read of Stripe wins.',
        '- An open or expired session changes nothing: the answer is the subscription as it is.',
        "- Another user's session and an unknown one both answer 404.",
        '- Calls Stripe, so it spends the per-user Stripe budget.',
      ].join('\n'),
      auth: true,
      errors: [400, 401, 404, 413, 415, 429, 502, 503],
      examples: {
        request: { sync: { value: { sessionId: SEED_CHECKOUT_EXAMPLES.success.sessionId } } },
        responses: {
          200: { active: { summary: 'Subscribed', value: { ...subscriptionExample, pendingChange: null } } },
          401: unauthorizedExample,
          404: { notFound: { value: BILLING_ERROR_CODES.CHECKOUT_SESSION_NOT_FOUND } },
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
      description: [
        'A live (active, trialing or past_due) subscription first, else the most recent; `null` if none.',
        '`interval` is the billing period unit; `pendingChange` is a downgrade waiting for the period end, or null.',
        '`trialEnd` is when a free trial (`TRIAL_DAYS`) ends; `endsWithTrial` says the subscription ends then (no card on file).',
      ].join('\n'),
      auth: true,
      errors: [401, 503],
    },
  },
  entitlements: {
    method: 'GET',
    url: '/api/billing/entitlements',
    output: entitlementsOutput,
    docs: {
      tag: 'Billing',
      summary: 'What the user may use',
      description: [
        "Whether the user is subscribed, and the features of their plan (the marketing features of the plan's Stripe",
        'product). `subscribed` is true for active, trialing and past_due (Stripe is still retrying a failed',
        'payment); unpaid, canceled, incomplete and incomplete_expired give `subscribed: false` and no features.',
        'Read from the stored subscription and the cached catalog: it spends no Stripe budget.',
      ].join('\n'),
      auth: true,
      errors: [401, 502, 503],
      examples: {
        responses: {
          200: {
            subscribed: {
              value: { subscribed: true, status: 'active', features: ['Unlimited projects', 'Report export'] },
            },
            lapsed: { value: { subscribed: false, status: 'canceled', features: [] } },
          },
          401: unauthorizedExample,
        },
      },
    },
  },
  invoices: {
    method: 'GET',
    url: '/api/billing/invoices',
    input: listInvoicesInput,
    output: listInvoicesOutput,
    docs: {
      tag: 'Billing',
      summary: "The user's invoices",
      description: [
        "The signed-in user's invoices, newest first, read from Stripe (so it spends the per-user Stripe budget).",
        '',
        '- Paginated: `limit` (1 to 100, default 10) per page; for the next page pass the last id as `startingAfter`',
        '  while `hasMore` is true.',
        '- `hostedInvoiceUrl` is the page where the invoice can be viewed (and an open one paid); `invoicePdf` is',
        '  the invoice as a PDF.',
        '- Drafts (not yet finalized by Stripe: no number, no page) are left out, so a page can hold fewer than',
        '  `limit`.',
        '- A user who never checked out has none: an empty list.',
        "- `startingAfter` must be one of the user's own invoices, else 400.",
      ].join('\n'),
      auth: true,
      errors: [400, 401, 429, 502, 503],
      examples: {
        responses: {
          200: {
            page: {
              value: {
                invoices: [
                  {
                    id: 'in_1NxYz2AbCdEf',
                    number: '8D3E1F0A-0002',
                    status: 'paid',
                    amountDue: 2900,
                    amountPaid: 2900,
                    currency: 'usd',
                    created: '2026-12-01T00:00:00.000Z',
                    periodStart: '2026-11-01T00:00:00.000Z',
                    periodEnd: '2026-12-01T00:00:00.000Z',
                    hostedInvoiceUrl: 'https://invoice.stripe.com/i/acct_1Nx/test_YWNjdF8x',
                    invoicePdf: 'https://pay.stripe.com/invoice/acct_1Nx/test_YWNjdF8x/pdf',
                  },
                ],
                hasMore: true,
              },
            },
          },
          400: { badCursor: { value: BILLING_ERROR_CODES.INVALID_STARTING_AFTER } },
          401: unauthorizedExample,
        },
      },
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
      description: [
        'A Stripe customer portal session, where the user changes plan or payment method, or cancels.',
        '',
        '- `flow: "payment_method_update"` opens the portal on its payment method form and sends the user back to',
        '  `returnUrl` once saved: the way out of `past_due` after a failed payment. Saving a card charges nothing by',
        "  itself; Stripe's next automatic retry of the open invoice uses it, and `invoice.paid` makes the",
        '  subscription active again.',
      ].join('\n'),
      auth: true,
      errors: [400, 401, 413, 415, 429, 502, 503],
      examples: {
        request: {
          portal: { value: { returnUrl: 'https://app.example.com/dashboard' } },
          paymentMethod: {
            summary: 'Update the payment method',
            value: { returnUrl: 'https://app.example.com/dashboard', flow: 'payment_method_update' },
          },
        },
        responses: {
          400: {
            noCustomer: { value: BILLING_ERROR_CODES.NO_BILLING_ACCOUNT },
          },
        },
      },
    },
  },
  previewPlanChange: {
    method: 'POST',
    url: '/api/billing/subscription/preview',
    input: previewPlanChangeInput,
    output: previewPlanChangeOutput,
    docs: {
      tag: 'Billing',
      summary: 'Preview a plan change',
      description: [
        'What changing the live subscription to `priceId` would charge, changing nothing.',
        '',
        '- An upgrade (a higher price per normalised interval, or a longer interval such as month → year) takes',
        "  effect now: `amountDue` is Stripe's preview of the immediate invoice, with its proration lines (credit",
        '  for the unused time on the current price, charge for the remaining time on the new one, to the second).',
        '- A downgrade takes effect at the period end: `amountDue` is 0.',
        '- A change to the same price within 10 minutes (on the same server process) is prorated from the',
        "  preview's time, so it charges exactly `amountDue`.",
        '- Calls Stripe, so it is a POST and spends the per-user Stripe budget.',
      ].join('\n'),
      auth: true,
      errors: [400, 401, 413, 415, 429, 502, 503],
      examples: {
        request: { upgrade: { value: { priceId: 'price_pro_yearly' } } },
        responses: {
          200: {
            upgrade: {
              summary: 'Upgrade: prorated, charged now',
              value: {
                priceId: 'price_pro_yearly',
                effective: 'now',
                amountDue: 27063,
                currency: 'usd',
                nextInvoiceAmount: 29000,
                nextInvoiceAt: '2027-12-02T00:00:00.000Z',
              },
            },
            downgrade: {
              summary: 'Downgrade: at the period end',
              value: {
                priceId: 'price_starter_monthly',
                effective: 'period_end',
                amountDue: 0,
                currency: 'usd',
                nextInvoiceAmount: 900,
                nextInvoiceAt: '2026-12-31T00:00:00.000Z',
              },
            },
          },
          400: {
            invalidPrice: { summary: 'Price not on offer', value: BILLING_ERROR_CODES.INVALID_PRICE },
            samePlan: { summary: 'Already on this plan', value: BILLING_ERROR_CODES.ALREADY_ON_PLAN },
            noSubscription: planChangeErrors.noSubscription,
          },
          401: unauthorizedExample,
        },
      },
    },
  },
  changePlan: {
    method: 'POST',
    url: '/api/billing/subscription/change',
    input: changePlanInput,
    output: subscriptionOutput,
    docs: {
      tag: 'Billing',
      summary: 'Change plan',
      description: [
        'Moves the live subscription to `priceId` and returns the subscription as it now is.',
        '',
        '- Upgrades take effect now, prorated and invoiced at once. If the payment fails, the subscription stays',
        '  on its current price and the answer is 400 (Stripe keeps the change pending for 23 hours: paying that',
        '  invoice in time applies it).',
        '- Downgrades take effect at the end of the paid period (a Stripe subscription schedule) and show as',
        '  `pendingChange` until then.',
        '- Choosing the current price while a change is pending cancels the pending change.',
        '- Choosing another price while a change is pending replaces it.',
      ].join('\n'),
      ...idempotentJsonMutation,
      examples: {
        request: {
          downgrade: { value: { priceId: 'price_starter_monthly' } },
          upgrade: { value: { priceId: 'price_pro_yearly' } },
        },
        responses: {
          200: { pending: { summary: 'Downgrade pending', value: subscriptionExample } },
          400: {
            invalidPrice: { summary: 'Price not on offer', value: BILLING_ERROR_CODES.INVALID_PRICE },
            samePlan: { summary: 'Same price, nothing pending', value: BILLING_ERROR_CODES.ALREADY_ON_PLAN },
            paymentFailed: { summary: 'Upgrade payment declined', value: BILLING_ERROR_CODES.UPGRADE_PAYMENT_FAILED },
            noSubscription: planChangeErrors.noSubscription,
          },
          401: unauthorizedExample,
          409: { keyReused: planChangeErrors.keyReused },
        },
      },
    },
  },
  cancelSubscription: {
    method: 'POST',
    url: '/api/billing/subscription/cancel',
    input: noFieldsInput,
    output: subscriptionOutput,
    docs: {
      tag: 'Billing',
      summary: 'Cancel at period end',
      description:
        'The subscription ends when the paid period does (`cancelAtPeriodEnd: true`); a pending plan change is dropped.',
      auth: true,
      errors: [400, 401, 409, 429, 502, 503],
      idempotent: true,
      examples: {
        responses: {
          200: { canceling: { value: { ...subscriptionExample, cancelAtPeriodEnd: true, pendingChange: null } } },
          400: { noSubscription: planChangeErrors.noSubscription },
          401: unauthorizedExample,
        },
      },
    },
  },
  resumeSubscription: {
    method: 'POST',
    url: '/api/billing/subscription/resume',
    input: noFieldsInput,
    output: subscriptionOutput,
    docs: {
      tag: 'Billing',
      summary: 'Resume a subscription set to cancel',
      description: 'Undoes a cancellation at period end (`cancelAtPeriodEnd: false`); the subscription renews.',
      auth: true,
      errors: [400, 401, 409, 429, 502, 503],
      idempotent: true,
      examples: {
        responses: {
          200: { resumed: { value: { ...subscriptionExample, pendingChange: null } } },
          400: { noSubscription: planChangeErrors.noSubscription },
          401: unauthorizedExample,
        },
      },
    },
  },
} satisfies RestRoutesOf<typeof billingRouter>;
