import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atRequestTime } from './billing/test-clocks';
import type { EmulatorContext } from './context';
import { StripeApiError, unrecognizedUrl } from './errors';
import type { EventOrigin } from './events';
import type { ApiResponse, IdempotentResult } from './idempotency';
import { isParams, type Params, stringList } from './params';
import { type RouteSpec, type RouteStrictness, routeStrictness } from './strictness';

/**
 * Stripe's routes whose last segment sits where an id would, by collection (stripe-node 23.1.0's
 * resources: `GET /v1/customers/search`, `POST /v1/invoices/create_preview`, …).
 */
const STRIPE_ROUTES_IN_PLACE_OF_AN_ID: Record<string, readonly string[]> = {
  '/v1/credit_notes/': ['preview'],
  '/v1/customers/': ['search'],
  '/v1/invoices/': ['search', 'create_preview'],
  '/v1/prices/': ['search'],
  '/v1/products/': ['search'],
  '/v1/subscriptions/': ['search'],
};

export interface ApiRequest {
  /** Body parameters for POST, query parameters otherwise. */
  params: Params;
  /** The `:id` path parameter (`price_123` in `/v1/prices/price_123`); empty on routes without one. */
  id: string;
  /** `expand[]` paths. */
  expand: string[];
  /** Recorded on the events this request causes. */
  origin: EventOrigin;
}

/** Returns the response object, or throws a `StripeApiError`. Synchronous: all state is in memory. */
export type ApiHandler = (request: ApiRequest) => object;

/**
 * Registers a route: `api.post('/v1/customers', { supports: ['email', 'metadata'] }, handler)`.
 * `supports` lists every parameter the handler acts on (see `RouteSpec`); any other parameter
 * Stripe accepts there is refused rather than ignored.
 */
export type RegisterRoute = (url: string, spec: RouteSpec, handler: ApiHandler) => void;

export interface ApiRoutes {
  get: RegisterRoute;
  post: RegisterRoute;
  delete: RegisterRoute;
  /** Every route registered so far, as `GET /v1/customers/:id`: what the conformance test must cover. */
  served: string[];
}

/**
 * Registers Stripe API routes. Each handler runs behind the same steps:
 * parameters decoded and checked (see strictness.ts), Idempotency-Key honoured for POST,
 * Stripe-shaped errors, the configured latency, and a JSON answer.
 */
export function apiRoutes(app: FastifyInstance, ctx: EmulatorContext): ApiRoutes {
  const served: string[] = [];
  const register = (method: 'GET' | 'POST' | 'DELETE') => (url: string, spec: RouteSpec, handler: ApiHandler) => {
    const strictness = routeStrictness(method, url, spec);
    served.push(`${method} ${url}`);
    const takenNames = STRIPE_ROUTES_IN_PLACE_OF_AN_ID[url.split(':id')[0] ?? ''] ?? [];
    app.route<{ Params: Record<string, string> }>({
      method,
      url,
      handler: (request, reply) => {
        // A route the emulator serves is static and wins in the router; one it does not serve must
        // not be read as an id ("No such customer: 'search'"): Stripe does not know that URL here.
        const { id } = request.params;
        if (id !== undefined && takenNames.includes(id))
          throw unrecognizedUrl(request.method, request.url.split('?')[0] ?? '');
        return respond(ctx, request, reply, strictness, handler);
      },
    });
  };
  return { get: register('GET'), post: register('POST'), delete: register('DELETE'), served };
}

async function respond(
  ctx: EmulatorContext,
  request: FastifyRequest<{ Params: Record<string, string> }>,
  reply: FastifyReply,
  strictness: RouteStrictness,
  handler: ApiHandler,
): Promise<FastifyReply> {
  const isPost = request.method === 'POST';
  const params = toParams(isPost ? request.body : request.query);
  const idempotencyKey = isPost ? headerValue(request.headers['idempotency-key']) : undefined;

  const execute = async (): Promise<ApiResponse> => {
    try {
      const id = request.params.id ?? '';
      // Checked before the handler runs: a refused request changes nothing, as on Stripe.
      strictness.checkParams(params);
      const expand = stringList(params, 'expand');
      strictness.checkExpand(expand);
      // Objects of a test clock's customer live at that clock's time.
      const result = atRequestTime(ctx, id, params, () =>
        handler({
          params,
          id,
          expand,
          origin: { requestId: request.id, idempotencyKey: idempotencyKey ?? null },
        }),
      );
      return { status: 200, body: toJson(result) };
    } catch (error) {
      if (error instanceof StripeApiError) return { status: error.status, body: toJson(error.toBody()) };
      throw error;
    }
  };

  let result: IdempotentResult;
  try {
    result =
      idempotencyKey === undefined
        ? { response: await execute() }
        : await ctx.idempotency.run(idempotencyKey, fingerprint(request, params), request.id, execute);
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    result = { response: { status: error.status, body: toJson(error.toBody()) } };
  }

  if (ctx.settings.latencyMs > 0) await sleep(ctx.settings.latencyMs);
  if (idempotencyKey !== undefined) reply.header('Idempotency-Key', idempotencyKey);
  if (result.replayOf) reply.header('Idempotent-Replayed', 'true').header('Original-Request', result.replayOf);
  return reply.code(result.response.status).type('application/json').send(result.response.body);
}

function toParams(value: unknown): Params {
  return isParams(value) ? value : {};
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function toJson(value: object): string {
  return JSON.stringify(value, null, 2);
}

/** What "the same request" means for idempotency: same method, path and parameters (in any order). */
function fingerprint(request: FastifyRequest, params: Params): string {
  const path = request.url.split('?')[0] ?? request.url;
  return `${request.method} ${path} ${canonicalJson(params)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isParams(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
