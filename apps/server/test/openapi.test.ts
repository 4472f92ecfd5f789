/**
 * The API document (GET /api/openapi.json) and its viewer (GET /api/docs), over real HTTP: the
 * document is valid OpenAPI 3.1, every route the server serves is in it, its examples and the
 * seed's examples validate against it, and what the server really answers does too.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { BILLING_ERROR_CODES, SEED_CHECKOUT_EXAMPLES } from '@subkit/billing';
import { CORE_ERROR_CODES } from '@subkit/core';
import { testDatabaseKinds } from '@subkit/db/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_SPACE, UNDOCUMENTED_PATHS } from '../src/rest/documentation';
import { type JsonResponse, request, SEED_ORIGIN, type Stack, signUp, startStack } from './harness';

type Schema = Record<string, unknown>;
interface Media {
  schema: Schema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean; content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

// The contract's examples, as the API document carries them, and the answers the contract lists.
const SEED = {
  requests: { curl: SEED_CHECKOUT_EXAMPLES.curl, typescript: SEED_CHECKOUT_EXAMPLES.typescript },
  responses: [
    {
      status: '200',
      body: {
        success: true,
        data: SEED_CHECKOUT_EXAMPLES.success,
      },
    },
    { status: '400', body: { success: false, error: BILLING_ERROR_CODES.PRICE_ID_REQUIRED } },
    { status: '400', body: { success: false, error: BILLING_ERROR_CODES.INVALID_PRICE } },
    { status: '401', body: { success: false, error: CORE_ERROR_CODES.UNAUTHENTICATED } },
  ],
};

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

function problemsOf(schema: Schema, value: unknown): string | null {
  const validate = ajv.compile(schema);
  return validate(value) ? null : ajv.errorsText(validate.errors);
}

/** Fastify's `/api/x/:id` → OpenAPI's `/api/x/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe.each(testDatabaseKinds())('API document on %s', (kind) => {
  let stack: Stack;
  let document: OpenApiDocument;

  beforeAll(async () => {
    stack = await startStack(kind);
    const response = await request(stack.server.url, 'GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = response.body as OpenApiDocument;
  });
  afterAll(() => stack.close());

  function operation(method: string, path: string): Operation {
    const found = document.paths[path]?.[method.toLowerCase()];
    if (!found) throw new Error(`${method} ${path} is not in the document`);
    return found;
  }

  function responseSchema(method: string, path: string, status: number | string): Schema {
    const response = operation(method, path).responses[String(status)];
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${path} has no documented ${status} JSON answer`);
    return schema;
  }

  function requestSchema(method: string, path: string): Schema {
    const schema = operation(method, path).requestBody?.content['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${path} has no documented JSON body`);
    return schema;
  }

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('documents every route the server serves, and serves every route it documents', () => {
    // HEAD twins of GET routes and CORS preflights (OPTIONS) are Fastify's, not the API's.
    const served = stack.server.app.registeredRoutes
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS')
      .filter((route) => DOCUMENTED_SPACE.test(route.url))
      .filter((route) => !UNDOCUMENTED_PATHS.some((pattern) => pattern.test(route.url)))
      .map((route) => `${route.method} ${openApiPath(route.url)}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThanOrEqual(12);
    expect(new Set(served)).toEqual(new Set(documented));
    // The allow-list hides only what it names: the document and the viewer are served.
    expect(stack.server.app.registeredRoutes.map((route) => route.url)).toEqual(
      expect.arrayContaining(['/api/openapi.json', '/api/docs']),
    );
  });

  it('validates every example it carries against the schema beside it', () => {
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const media = [
          ...Object.values(op.requestBody?.content ?? {}),
          ...Object.values(op.responses).flatMap((response) => Object.values(response.content ?? {})),
        ];
        for (const { schema, example, examples } of media) {
          const values = [
            ...(example === undefined ? [] : [example]),
            ...Object.values(examples ?? {}).map((e) => e.value),
          ];
          for (const value of values) {
            expect(problemsOf(schema, value), `${method.toUpperCase()} ${path}: ${JSON.stringify(value)}`).toBeNull();
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('validates every example of the seed document, and carries them for POST /api/billing/checkout', () => {
    const checkout = operation('POST', '/api/billing/checkout');
    const requestBody = checkout.requestBody?.content['application/json'];
    expect(checkout.requestBody?.required).toBe(true);
    for (const body of Object.values(SEED.requests)) {
      expect(problemsOf(requestSchema('POST', '/api/billing/checkout'), body)).toBeNull();
      expect(Object.values(requestBody?.examples ?? {}).map((e) => e.value)).toContainEqual(body);
    }
    for (const { status, body } of SEED.responses) {
      expect(problemsOf(responseSchema('POST', '/api/billing/checkout', status), body), status).toBeNull();
      const carried = Object.values(checkout.responses[status]?.content?.['application/json']?.examples ?? {});
      expect(carried.map((e) => e.value)).toContainEqual(body);
    }
  });

  it('is strict enough to refuse what the seed rules out', () => {
    const body = requestSchema('POST', '/api/billing/checkout');
    const { priceId: _, ...withoutPrice } = SEED.requests.curl;
    expect(problemsOf(body, withoutPrice)).toMatch(/priceId/);
    expect(problemsOf(body, { ...SEED.requests.curl, priceId: 'prod_123' })).toMatch(/pattern/);
    expect(problemsOf(body, { ...SEED.requests.curl, successUrl: 'not a url' })).toMatch(/format/);
    // A 400 documented as BAD_REQUEST cannot carry another code; a success has exactly its fields.
    expect(
      problemsOf(responseSchema('POST', '/api/billing/checkout', 400), {
        success: false,
        error: CORE_ERROR_CODES.UNAUTHENTICATED,
      }),
    ).not.toBeNull();
    expect(
      problemsOf(responseSchema('POST', '/api/billing/checkout', 200), {
        success: true,
        data: { sessionId: 'cs_test_1', url: 'https://x.example/a', extra: 1 },
      }),
    ).not.toBeNull();
  });

  it("documents the seed's fields, Bearer auth and each status code", () => {
    const checkout = operation('POST', '/api/billing/checkout');
    expect(checkout.security).toEqual([{ bearerAuth: [] }]);
    const body = requestSchema('POST', '/api/billing/checkout') as {
      required: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(body.required.sort()).toEqual(['cancelUrl', 'priceId', 'successUrl']);
    expect(body.properties.priceId?.description).toBe('Stripe price ID for the plan');
    expect(body.properties.successUrl?.description).toMatch(/^URL to redirect after successful checkout/);
    expect(body.properties.cancelUrl?.description).toMatch(/^URL to redirect if checkout is cancelled/);
    expect(body.properties.metadata?.description).toMatch(/^Additional metadata to attach to the session/);
    const data = (responseSchema('POST', '/api/billing/checkout', 200) as { properties: { data: Schema } }).properties
      .data as { properties: Record<string, { description?: string }> };
    expect(data.properties.sessionId?.description).toBe('Stripe checkout session ID');
    expect(data.properties.url?.description).toBe('URL to redirect the customer to');
    expect(Object.keys(checkout.responses).sort()).toEqual(
      ['200', '400', '401', '409', '413', '415', '429', '500', '502', '503'].sort(),
    );
    expect(checkout.responses['429']?.headers).toHaveProperty('Retry-After');

    expect(operation('POST', '/api/auth/signup').security).toEqual([]);
    expect(operation('GET', '/api/auth/me').security).toEqual([{ bearerAuth: [] }]);
    const webhook = operation('POST', '/api/billing/webhook');
    expect(webhook.security).toEqual([{ stripeSignature: [] }]);
  });

  it('matches what the server really answers, route by route', async () => {
    const url = stack.server.url;
    const checks: [string, string, JsonResponse][] = [];
    const call = async (
      method: string,
      path: string,
      options: Parameters<typeof request>[3] = {},
    ): Promise<JsonResponse> => {
      const response = await request(url, method, path, options);
      checks.push([method, path, response]);
      return response;
    };

    const email = `docs-${Date.now()}@example.com`;
    await call('POST', '/api/auth/signup', { body: { email, password: 'correct horse battery' } });
    await call('POST', '/api/auth/signup', { body: { email, password: 'correct horse battery' } });
    await call('POST', '/api/auth/signup', { body: { email: 'x@example.com', password: 'short' } });
    const login = await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } });
    await call('POST', '/api/auth/login', { body: { email, password: 'wrong password!' } });
    const token = (login.body as { data: { token: string } }).data.token;
    await call('GET', '/api/auth/me', { token });
    await call('GET', '/api/auth/me');
    await call('GET', '/api/billing/plans');
    await call('GET', '/api/billing/subscription', { token });
    await call('POST', '/api/billing/portal', { token, body: { returnUrl: `${SEED_ORIGIN}/dashboard` } });
    await call('POST', '/api/billing/checkout', { token, body: SEED.requests.curl });
    await call('POST', '/api/billing/checkout', { token, body: { ...SEED.requests.curl, priceId: undefined } });
    await call('POST', '/api/billing/checkout', { token, body: { ...SEED.requests.curl, priceId: 'price_nope' } });
    await call('POST', '/api/billing/checkout', { body: SEED.requests.curl });
    await call('POST', '/api/billing/checkout', {
      token,
      rawBody: '<priceId/>',
      headers: { 'content-type': 'application/xml' },
    });
    await call('POST', '/api/auth/logout', { token });
    await call('POST', '/api/billing/webhook', { rawBody: '{}', headers: { 'content-type': 'application/json' } });
    await call('GET', '/api/health');
    await call('GET', '/api/ready');
    const other = await signUp(url);
    await call('GET', '/api/billing/subscription', { token: other.token });

    const statuses = checks.map(([method, path, response]) => `${method} ${path} ${response.status}`);
    expect(statuses).toEqual(
      expect.arrayContaining([
        'POST /api/auth/signup 201',
        'POST /api/auth/signup 409',
        'POST /api/auth/signup 400',
        'POST /api/auth/login 401',
        'POST /api/billing/checkout 200',
        'POST /api/billing/checkout 400',
        'POST /api/billing/checkout 401',
        'POST /api/billing/checkout 415',
        'POST /api/billing/portal 400',
        'POST /api/auth/logout 200',
        'POST /api/billing/webhook 400',
        'GET /api/ready 200',
      ]),
    );
    for (const [method, path, response] of checks) {
      expect(
        problemsOf(responseSchema(method, path, response.status), response.body),
        `${method} ${path} ${response.status}: ${response.text}`,
      ).toBeNull();
    }
  });

  it('serves an interactive reference at /api/docs from its own origin, with nothing from a CDN', async () => {
    const page = await request(stack.server.url, 'GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(3);
    expect(page.text).not.toMatch(/https?:\/\/|"\/\//);
    const texts: string[] = [];
    for (const asset of assets) {
      expect(asset).toMatch(/^\/api\/docs\//);
      const response = await fetch(new URL(asset, stack.server.url));
      expect(response.status, asset).toBe(200);
      if (asset.endsWith('.js')) texts.push(await response.text());
    }
    const init = texts.find((text) => text.includes('SwaggerUIBundle({'));
    expect(init).toContain("url: '/api/openapi.json'");
    // Swagger UI's one network default (its online validator badge) is turned off.
    expect(init).toContain('validatorUrl: null');
    expect((await request(stack.server.url, 'GET', '/api/docs/nope.js')).status).toBe(404);
  });
});
