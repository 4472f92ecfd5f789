import type { AppRouter } from '@subkit/api';
import { SUPERSEDED_MESSAGE } from '@subkit/billing';
import type { inferRouterInputs } from '@trpc/server';
import { z } from 'zod';
import type { DocumentedStatus, Examples } from './documentation';

type Inputs = inferRouterInputs<AppRouter>;
/** `billing.createCheckout`: a procedure of the app router, by its dotted path. */
export type ProcedurePath = {
  [Area in keyof Inputs]: { [Name in keyof Inputs[Area]]: `${Area & string}.${Name & string}` }[keyof Inputs[Area]];
}[keyof Inputs];

export interface RestRoute {
  method: 'GET' | 'POST';
  url: string;
  /** The tRPC procedure this route runs; REST never has a second implementation. */
  procedure: ProcedurePath;
  successStatus?: number;
  /**
   * What the API document says about the route. Request and response schemas are not repeated:
   * they are read from the procedure, so the document cannot drift from what is validated.
   */
  docs: {
    summary: string;
    description?: string;
    tag: 'Auth' | 'Billing';
    /** Needs `Authorization: Bearer <token>` (a protected procedure). */
    auth: boolean;
    /** Error statuses the route can answer besides 500, each with the envelope. */
    errors: DocumentedStatus[];
    /** For a procedure that declares no output schema. */
    output?: z.ZodType;
    /** The Idempotency-Key request header is honoured. */
    idempotent?: boolean;
    examples?: Examples;
  };
}

const session = {
  token: 'R3bX9qWZ4kN8vL2mT6yH1cJ5fD7gS0aE',
  expiresAt: '2026-03-01T12:00:00.000Z',
  user: { id: '7d4e1c2a-5b6f-4a3e-9c8d-1f2e3a4b5c6d', email: 'ann@example.com' },
};
const credentials = { email: 'ann@example.com', password: 'correct horse battery' };
const unauthorized = { code: 'UNAUTHORIZED', message: 'Authentication required' } as const;

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

/**
 * The REST twins of tRPC procedures, for callers that do not use our TypeScript client. Adding a
 * route here is all it takes: the adapter handles input, context, errors and the envelope, and
 * the API document (GET /api/openapi.json) is built from the same entry.
 */
export const restRoutes: RestRoute[] = [
  {
    method: 'POST',
    url: '/api/auth/signup',
    procedure: 'auth.signUp',
    successStatus: 201,
    docs: {
      tag: 'Auth',
      summary: 'Create an account',
      description: 'Creates the account and signs it in: the answer carries a session token for the Bearer header.',
      auth: false,
      errors: [400, 409, 413, 415, 429],
      examples: {
        request: { signup: { value: credentials } },
        responses: {
          201: { created: { value: session } },
          400: { shortPassword: { value: { code: 'BAD_REQUEST', message: 'password must be at least 8 characters' } } },
          409: { taken: { value: { code: 'CONFLICT', message: 'An account with this email already exists' } } },
        },
      },
    },
  },
  {
    method: 'POST',
    url: '/api/auth/login',
    procedure: 'auth.signIn',
    docs: {
      tag: 'Auth',
      summary: 'Sign in',
      description: 'Exchanges email and password for a new session token.',
      auth: false,
      errors: [400, 401, 413, 415, 429],
      examples: {
        request: { login: { value: credentials } },
        responses: {
          200: { signedIn: { value: session } },
          401: { wrongPassword: { value: { code: 'UNAUTHORIZED', message: 'Invalid email or password' } } },
        },
      },
    },
  },
  {
    method: 'POST',
    url: '/api/auth/logout',
    procedure: 'auth.signOut',
    docs: {
      tag: 'Auth',
      summary: 'Sign out',
      description: 'Ends the session whose token is presented; the token stops working at once.',
      auth: true,
      errors: [401],
      // auth.signOut declares no output schema; the live answer is checked against this in tests.
      output: z.object({ signedOut: z.literal(true) }),
      examples: { responses: { 200: { signedOut: { value: { signedOut: true } } } } },
    },
  },
  {
    method: 'GET',
    url: '/api/auth/me',
    procedure: 'auth.me',
    docs: {
      tag: 'Auth',
      summary: 'The signed-in user',
      auth: true,
      errors: [401],
      examples: { responses: { 200: { me: { value: session.user } }, 401: { noToken: { value: unauthorized } } } },
    },
  },
  {
    method: 'POST',
    url: '/api/billing/checkout',
    procedure: 'billing.createCheckout',
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
        '- `successUrl` and `cancelUrl` must be on an allowed origin (`ALLOWED_REDIRECT_ORIGINS`).',
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
            missingPriceId: {
              summary: 'Missing Price ID',
              value: { code: 'BAD_REQUEST', message: 'priceId is required' },
            },
            invalidPrice: { summary: 'Invalid Price', value: { code: 'BAD_REQUEST', message: 'Invalid price ID' } },
          },
          401: { unauthorized: { summary: 'Unauthorized', value: unauthorized } },
          409: {
            live: { value: { code: 'CONFLICT', message: 'An active subscription already exists' } },
            superseded: { value: { code: 'CONFLICT', message: SUPERSEDED_MESSAGE } },
          },
        },
      },
    },
  },
  {
    method: 'GET',
    url: '/api/billing/plans',
    procedure: 'billing.plans',
    docs: {
      tag: 'Billing',
      summary: 'The plans on offer',
      description: 'The recurring prices the pricing page offers, in the configured order (`PLANS`).',
      auth: false,
      errors: [502, 503],
    },
  },
  {
    method: 'GET',
    url: '/api/billing/subscription',
    procedure: 'billing.subscription',
    docs: {
      tag: 'Billing',
      summary: "The user's subscription",
      description: 'A live (active, trialing or past_due) subscription first, else the most recent; `null` if none.',
      auth: true,
      errors: [401],
    },
  },
  {
    method: 'POST',
    url: '/api/billing/portal',
    procedure: 'billing.createPortalSession',
    docs: {
      tag: 'Billing',
      summary: 'Open the customer portal',
      description: 'A Stripe customer portal session, where the user changes plan or payment method, or cancels.',
      auth: true,
      errors: [400, 401, 413, 415, 502, 503],
      examples: {
        request: { portal: { value: { returnUrl: 'https://app.example.com/dashboard' } } },
        responses: {
          400: {
            noCustomer: {
              value: { code: 'BAD_REQUEST', message: 'No billing account yet: subscribe to a plan first' },
            },
          },
        },
      },
    },
  },
];
