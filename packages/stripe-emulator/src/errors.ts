/**
 * Errors in Stripe's wire shape. Route handlers throw `StripeApiError`; the
 * server turns it into `{"error":{type,code,message,param,doc_url}}` with the
 * matching HTTP status, which stripe-node maps to its own error classes.
 */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  error: {
    type: StripeErrorType;
    message: string;
    code?: string;
    param?: string;
    doc_url?: string;
  };
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'StripeApiError';
  }

  toBody(): StripeErrorBody {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code ? { code: this.code } : {}),
        // The emulator's own codes (`emulator_…`) have no page on stripe.com.
        ...(this.code && !this.code.startsWith('emulator_')
          ? { doc_url: `https://stripe.com/docs/error-codes/${this.code.replaceAll('_', '-')}` }
          : {}),
        ...(this.param ? { param: this.param } : {}),
      },
    };
  }
}

/** Human names Stripe uses in "No such …" messages. */
export type ResourceName =
  | 'price'
  | 'product'
  | 'customer'
  | 'checkout.session'
  | 'subscription'
  | 'subscription item'
  | 'subscription schedule'
  | 'invoice'
  | 'credit_note'
  | 'event'
  | 'billing portal session'
  | 'configuration'
  | 'coupon'
  | 'promotion code'
  | 'test_clock'
  | 'webhook endpoint';

export function resourceMissing(resource: ResourceName, id: string, param = 'id', status = 404): StripeApiError {
  return new StripeApiError(status, 'invalid_request_error', `No such ${resource}: '${id}'`, 'resource_missing', param);
}

/** https://docs.stripe.com/error-codes/resource-already-exists: an id chosen on create is taken. */
export function resourceAlreadyExists(message: string, param: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, 'resource_already_exists', param);
}

export function parameterMissing(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Missing required param: ${param}.`,
    'parameter_missing',
    param,
  );
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid_string'): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

export function invalidRequest(message: string, param?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, undefined, param);
}

export function authenticationError(message: string, code?: string): StripeApiError {
  return new StripeApiError(401, 'invalid_request_error', message, code);
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

/**
 * The `Stripe-Version` header. Stripe refuses a version it does not know with `Invalid Stripe API
 * version: <value>` (400, no code). The emulator speaks one version, the one Subkit pins; another real
 * version would change response shapes it does not reproduce, so it refuses that too, as its own limit.
 */
export function checkApiVersion(requested: string | undefined, spoken: string): StripeApiError | undefined {
  if (requested === undefined || requested === spoken) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(requested)) {
    return new StripeApiError(400, 'invalid_request_error', `Invalid Stripe API version: ${requested}`);
  }
  return new StripeApiError(
    400,
    'invalid_request_error',
    `The Stripe emulator speaks API version ${spoken} only, not ${requested}: Stripe would answer in that version's shapes, which the emulator does not reproduce.`,
    'emulator_api_version_unsupported',
  );
}

/** A declined payment: 402 `card_error`, which stripe-node raises as `StripeCardError`. */
export function cardDeclined(): StripeApiError {
  return new StripeApiError(402, 'card_error', 'Your card was declined.', 'card_declined');
}
