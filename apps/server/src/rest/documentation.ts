import type { Example, Examples } from '@subkit/core';
import { z } from 'zod';
import { CODE_BY_STATUS } from '../http/envelope';
import { HTTP_ERROR_CODES } from '../http/error-codes';
import { healthOutput } from '../routes/health';
import { readinessOutput } from '../routes/readiness';
import { webhookOutput } from '../routes/webhook';
import { restRoutes, type ServedRestRoute } from './routes';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

/**
 * The routes the document must cover: the REST API under /api and /metrics. Outside them are tRPC
 * (its own typed client) and the web app's pages.
 */
export const DOCUMENTED_SPACE = /^\/(api\/|metrics$)/;
/** Served in that space but deliberately not in the document: the document itself and its viewer. */
export const UNDOCUMENTED_PATHS = [/^\/api\/openapi\.json$/, /^\/api\/docs(\/|$)/];

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Bad request: the first invalid field is named in `message`',
  401: 'Missing, invalid or expired session token',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  415: HTTP_ERROR_CODES.CONTENT_TYPE_NOT_JSON.message,
  429: 'Too many requests; retry after `Retry-After` seconds',
  500: 'Internal error (details are in the server log under the request id)',
  502: 'Stripe failed or could not be reached',
  503: 'Temporarily unavailable (the database cannot be reached, or Stripe is rate limiting us); retry shortly',
};

/** zod 4's own JSON Schema (2020-12, which OpenAPI 3.1 uses), without the `$schema` header. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  return rest;
}

function successEnvelope(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: { success: { const: true }, data },
    required: ['success', 'data'],
    additionalProperties: false,
  };
}

export function errorEnvelope(status: number): JsonSchema {
  const code = CODE_BY_STATUS[status] ?? 'INTERNAL_SERVER_ERROR';
  return {
    type: 'object',
    properties: {
      success: { const: false },
      error: {
        type: 'object',
        properties: { code: { const: code }, message: { type: 'string' } },
        required: ['code', 'message'],
        additionalProperties: false,
      },
    },
    required: ['success', 'error'],
    additionalProperties: false,
  };
}

function mediaExamples(examples: Record<string, Example> | undefined, wrap: (value: unknown) => unknown) {
  if (!examples) return {};
  return {
    examples: Object.fromEntries(
      Object.entries(examples).map(([name, example]) => [name, { ...example, value: wrap(example.value) }]),
    ),
  };
}

const requestIdHeader = { $ref: '#/components/headers/RequestId' };

function jsonResponse(description: string, schema: JsonSchema, examples?: Record<string, unknown>) {
  return {
    description,
    headers: { 'X-Request-Id': requestIdHeader },
    content: { 'application/json': { schema, ...examples } },
  };
}

function errorResponses(statuses: readonly number[], examples: Examples['responses'] = {}) {
  return Object.fromEntries(
    [...statuses, 500].map((status) => {
      const response = jsonResponse(
        STATUS_TEXT[status] ?? 'Error',
        errorEnvelope(status),
        mediaExamples(examples[status], (error) => ({ success: false, error })),
      );
      if (status === 429 || status === 503) {
        Object.assign(response.headers, {
          'Retry-After': {
            description: 'Seconds to wait before retrying (on 503: sent when the database is unreachable)',
            schema: { type: 'integer' },
          },
        });
      }
      return [String(status), response];
    }),
  );
}

/** A GET's input object, one query parameter per property. */
function queryParameters(input: z.ZodType): unknown[] {
  const schema = jsonSchema(input, 'input');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(description !== undefined && { description }),
    schema: property,
  }));
}

function restOperation(route: ServedRestRoute): Operation {
  const { docs, input, output } = route;
  const takesNoBody = input?.safeParse(undefined).success ?? false;
  const successStatus = route.successStatus ?? 200;
  const parameters: unknown[] = [{ $ref: '#/components/parameters/RequestId' }];
  if (docs.idempotent) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (route.method === 'GET' && input) parameters.push(...queryParameters(input));
  return {
    operationId: route.procedure,
    tags: [docs.tag],
    summary: docs.summary,
    ...(docs.description && { description: docs.description }),
    security: docs.auth ? [{ bearerAuth: [] }] : [],
    parameters,
    ...(route.method === 'POST' &&
      input && {
        requestBody: {
          required: !takesNoBody,
          ...(takesNoBody && { description: 'Takes no body (or `{}`); a field in it is refused with 400.' }),
          content: {
            'application/json': {
              schema: jsonSchema(input, 'input'),
              ...mediaExamples(docs.examples?.request, (value) => value),
            },
          },
        },
      }),
    responses: {
      [String(successStatus)]: jsonResponse(
        STATUS_TEXT[successStatus] ?? 'Success',
        successEnvelope(jsonSchema(output, 'output')),
        mediaExamples(docs.examples?.responses?.[successStatus], (data) => ({ success: true, data })),
      ),
      ...errorResponses(docs.errors, docs.examples?.responses),
    },
  };
}

/** Routes that are not procedures: probes, the webhook, metrics. */
function operationalPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/health': {
      get: {
        operationId: 'health',
        tags: ['Operations'],
        summary: 'Liveness',
        description: 'The process is up. Asks no dependency; use /api/ready for that.',
        security: [],
        responses: { 200: jsonResponse('Alive', jsonSchema(healthOutput, 'output')) },
      },
    },
    '/api/ready': {
      get: {
        operationId: 'ready',
        tags: ['Operations'],
        summary: 'Readiness',
        description:
          'Whether this process should get traffic: the database answers, every migration is applied, Stripe answers ' +
          'and every price in PLANS exists in Stripe and can be sold (a bad entry is named).',
        security: [],
        responses: {
          200: jsonResponse('Ready', jsonSchema(readinessOutput, 'output')),
          503: jsonResponse('Not ready: the failed check says why', jsonSchema(readinessOutput, 'output'), {
            example: {
              status: 'not_ready',
              checks: {
                database: 'ok',
                migrations: 'ok',
                stripe: 'ok',
                plans: 'PLANS entry "price_pro_montly" does not exist in Stripe',
              },
            },
          }),
        },
      },
    },
    '/api/billing/webhook': {
      post: {
        operationId: 'stripeWebhook',
        tags: ['Billing'],
        summary: 'Stripe webhook',
        description:
          'Where Stripe delivers events (`stripe listen --forward-to localhost:3000/api/billing/webhook`). ' +
          'The raw body must carry a valid `Stripe-Signature`. An event is acknowledged (2xx) only once it is ' +
          'applied or known to be a duplicate; anything else answers non-2xx so Stripe retries it.',
        security: [{ stripeSignature: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                description: 'A Stripe Event object, exactly as Stripe sent it',
                required: ['id', 'type', 'created'],
                properties: { id: { type: 'string' }, type: { type: 'string' }, created: { type: 'integer' } },
              },
            },
          },
        },
        responses: {
          200: jsonResponse(
            'Event applied, a duplicate, or ignored',
            successEnvelope(jsonSchema(webhookOutput, 'output')),
          ),
          ...errorResponses([400, 413, 415], {
            400: { badSignature: { value: HTTP_ERROR_CODES.INVALID_STRIPE_SIGNATURE } },
          }),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        description:
          'Prometheus text format. When `METRICS_TOKEN` is set, it needs `Authorization: Bearer <METRICS_TOKEN>`.',
        security: [{}, { metricsToken: [] }],
        responses: {
          200: { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
          401: jsonResponse(STATUS_TEXT[401] ?? '', errorEnvelope(401)),
        },
      },
    },
  };
}

const API_DESCRIPTION = `Self-hostable Stripe subscriptions. Every answer is an envelope:
\`{"success":true,"data":…}\` or \`{"success":false,"error":{"code","message"}}\`, with one status per code.

Sign up or log in for a session token, then send it as \`Authorization: Bearer <token>\`.
Every response carries \`X-Request-Id\` (yours, if you sent a safe one), the id the server logs under.`;

/** The OpenAPI 3.1 document: built from the REST route table and the zod schemas its procedures validate with. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of restRoutes) {
    paths[route.url] = { ...paths[route.url], [route.method.toLowerCase()]: restOperation(route) };
  }
  for (const [path, operations] of Object.entries(operationalPaths())) paths[path] = { ...paths[path], ...operations };
  return {
    openapi: '3.1.0',
    info: { title: 'Subkit API', version: '1.0.0', description: API_DESCRIPTION },
    tags: [
      { name: 'Auth', description: 'Accounts and session tokens' },
      { name: 'Billing', description: 'Plans, checkout, subscriptions, the customer portal, webhooks' },
      { name: 'Example', description: 'A feature gated on the plan, the pattern to copy for your own' },
      { name: 'Operations', description: 'Probes and metrics for running Subkit' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The session token from /api/auth/signup or /api/auth/login.',
        },
        stripeSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
          description: "Stripe's signature of the raw body with the webhook signing secret (`whsec_…`).",
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'The `METRICS_TOKEN`, when one is set.' },
      },
      parameters: {
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description: 'Your correlation id (1–128 of `A-Z a-z 0-9 . _ -`); kept and echoed, else one is minted.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Retrying a request with the same key returns the first answer instead of creating a second session.',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
      headers: {
        RequestId: { description: 'The id this request is logged under', schema: { type: 'string' } },
      },
    },
  };
}
