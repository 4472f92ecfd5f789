import { createHash, timingSafeEqual } from 'node:crypto';
import { pendingEventCount } from '@subkit/billing';
import { CORE_ERROR_CODES } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type Stripe from 'stripe';
import { bearerToken } from '../http/bearer-token';

export interface Metrics {
  registry: Registry;
  webhookEvents: Counter<'type' | 'outcome'>;
  webhookLag: Histogram<'type'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** Path segments that are object ids (`cs_test_…`, `cus_…`, `price_…`), folded so labels stay few. */
const STRIPE_ID_PREFIXES =
  /^(acct|bpc|bps|card|ch|clock|cs|cus|evt|ii|il|in|li|pi|pm|price|prod|re|seti|si|sli|sub|tok|txn|we)_/;

/** `/v1/checkout/sessions/cs_test_123/line_items?limit=1` → `/v1/checkout/sessions/:id/line_items`. */
export function stripeEndpoint(path: string): string {
  return (path.split('?')[0] ?? path)
    .split('/')
    .map((segment) => (STRIPE_ID_PREFIXES.test(segment) || /\d.*\d.*\d/.test(segment) ? ':id' : segment))
    .join('/');
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Stripe retries a failed delivery for three days; lag spans milliseconds to days.
const LAG_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600, 72 * 3600];

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Prometheus metrics at GET /metrics, from a registry of this app's own: tests run several apps
 * in one process, and prom-client's global registry would mix their numbers.
 *
 * Stripe calls are observed on the SDK's own `response` events, so every call of every service is
 * counted without the services knowing. Checkouts created are the Stripe sessions that answered
 * 200: that counts sessions that exist, whichever transport (tRPC, REST) asked, and an SDK retry
 * of one create is still one.
 */
async function metrics(app: FastifyInstance, options: { token?: string | undefined }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const stripeDuration = new Histogram({
    name: 'subkit_stripe_request_duration_seconds',
    help: 'Stripe API calls by method, endpoint and status, with their latency.',
    labelNames: ['method', 'endpoint', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const stripeErrors = new Counter({
    name: 'subkit_stripe_request_errors_total',
    help: 'Stripe API calls that answered 4xx or 5xx, by method, endpoint and status.',
    labelNames: ['method', 'endpoint', 'status'],
    registers: [registry],
  });
  const checkoutsCreated = new Counter({
    name: 'subkit_checkout_sessions_created_total',
    help: 'Stripe checkout sessions created.',
    registers: [registry],
  });
  const webhookEvents = new Counter({
    name: 'subkit_webhook_events_total',
    help: 'Stripe webhook events by type and outcome: on delivery received, duplicate, invalid_signature, not_an_event or failed (not recorded); once drained applied, ignored, duplicate (applied elsewhere) or failed (retried).',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const webhookLag = new Histogram({
    name: 'subkit_webhook_lag_seconds',
    help: 'Time from a Stripe event being created to its delivery being handled here, by event type.',
    labelNames: ['type'],
    buckets: LAG_BUCKETS,
    registers: [registry],
  });

  new Gauge({
    name: 'subkit_webhook_events_pending',
    help: 'Stripe events recorded in the ledger and not yet applied, by any process: the webhook drain’s backlog (retries waiting out their delay included).',
    registers: [registry],
    async collect() {
      try {
        this.set(await pendingEventCount(app.services.db));
      } catch (error) {
        // A database outage must not take /metrics down with it: the gauge keeps its last value.
        app.log.warn({ err: error }, 'could not count the pending webhook events for /metrics');
      }
    },
  });

  app.decorate('metrics', { registry, webhookEvents, webhookLag } satisfies Metrics);

  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });

  const stripe = app.stripeConnection.client;
  const onStripeResponse = (event: Stripe.ResponseEvent) => {
    const labels = { method: event.method, endpoint: stripeEndpoint(event.path), status: event.status };
    stripeDuration.observe(labels, event.elapsed / 1000);
    if (event.status >= 400) stripeErrors.inc(labels);
    if (event.method === 'POST' && labels.endpoint === '/v1/checkout/sessions' && event.status === 200) {
      checkoutsCreated.inc();
    }
  };
  stripe.on('response', onStripeResponse);
  app.addHook('onClose', async () => {
    stripe.off('response', onStripeResponse);
  });

  app.get('/metrics', async (request, reply) => {
    if (options.token) {
      const given = bearerToken(request.headers.authorization) ?? '';
      if (!sameSecret(given, options.token)) {
        throw new TRPCError(CORE_ERROR_CODES.UNAUTHENTICATED);
      }
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

export default fp(metrics, { name: 'metrics', dependencies: ['services'] });
