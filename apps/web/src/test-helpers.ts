import { TRPCClientError } from '@trpc/client';
import { vi } from 'vitest';
import type { Subscription } from './dashboard/subscription-summary';
import type { Plan } from './pricing/format-price';

const HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL_SERVER_ERROR: 500,
} as const;
type ErrorCode = keyof typeof HTTP_STATUS;

// Typed against the API, so fixtures break with the schema instead of drifting from it.
export const proMonthly: Plan = {
  priceId: 'price_1ABC123XYZ',
  productId: 'prod_pro',
  productName: 'Pro',
  productDescription: 'For teams that bill customers every day.',
  features: ['Unlimited projects', 'Priority support'],
  unitAmount: 2900,
  currency: 'usd',
  interval: 'month',
  intervalCount: 1,
};

export const proYearly: Plan = { ...proMonthly, priceId: 'price_pro_yearly', unitAmount: 29000, interval: 'year' };

/** billing.previewPlanChange's answer for an upgrade from Pro monthly to Pro yearly. */
export const upgradePreview = {
  priceId: proYearly.priceId,
  effective: 'now',
  amountDue: 24123,
  currency: 'usd',
  nextInvoiceAmount: 29000,
  nextInvoiceAt: '2032-02-15T12:00:00.000Z',
};

export const starterMonthly: Plan = {
  ...proMonthly,
  priceId: 'price_starter_monthly',
  productId: 'prod_starter',
  productName: 'Starter',
  productDescription: null,
  features: [],
  unitAmount: 900,
};

export const activeSubscription: Subscription = {
  id: 'sub_123',
  status: 'active',
  priceId: 'price_1ABC123XYZ',
  productName: 'Pro',
  quantity: 1,
  currentPeriodEnd: '2031-03-15T12:00:00.000Z',
  interval: 'month',
  pendingChange: null,
  cancelAtPeriodEnd: false,
  canceledAt: null,
  endedAt: null,
  trialEnd: null,
  endsWithTrial: false,
  metadata: {},
};

type Issue = { path: string; message: string };

function errorEnvelope(code: ErrorCode, message: string, issues: Issue[] | null = null) {
  return { error: { message, code: -32000, data: { code, httpStatus: HTTP_STATUS[code], issues } } };
}

/** An error as the tRPC client builds it from one of the server's error responses. */
export function serverError(code: ErrorCode, message: string, issues: Issue[] | null = null): Error {
  return TRPCClientError.from(errorEnvelope(code, message, issues));
}

export type FakeResult = { data: unknown } | { error: ErrorCode; message: string };
type Handler = (input: unknown) => FakeResult;

/**
 * A stand-in for the server's `/trpc` endpoint, speaking the batch wire format of httpBatchLink
 * (no transformer): each procedure's handler gets its input and answers with data or an error.
 */
export function fakeTrpcServer(handlers: Record<string, Handler>) {
  return vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const { pathname, searchParams } = new URL(String(url), window.location.origin);
    const paths = decodeURIComponent(pathname.replace(/^\/trpc\//, '')).split(',');
    const inputs: Record<string, unknown> = JSON.parse(
      typeof init?.body === 'string' ? init.body : (searchParams.get('input') ?? '{}'),
    );
    const results = paths.map((path, index) => {
      const handler = handlers[path];
      return handler ? handler(inputs[index]) : { error: 'NOT_FOUND' as const, message: `No procedure ${path}` };
    });
    const entries = results.map((result) =>
      'data' in result ? { result: { data: result.data } } : errorEnvelope(result.error, result.message),
    );
    const [only] = results;
    const status = results.length === 1 && only && 'error' in only ? HTTP_STATUS[only.error] : 200;
    return new Response(JSON.stringify(entries), { status, headers: { 'content-type': 'application/json' } });
  });
}
