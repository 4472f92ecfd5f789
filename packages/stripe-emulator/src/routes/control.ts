import type { FastifyInstance, FastifyReply } from 'fastify';
import { type FaultRule, parseFaultRules } from '../faults';
import { isParams, type Params } from '../params';
import type { DeliveryAttempt, DeliveryOptions } from '../webhooks/deliver';

/** What `/_emulator/*` exposes; the library's `StripeEmulator` offers the same calls. */
export interface EmulatorControls {
  stats(): { requests: number; byEndpoint: Record<string, number> };
  resetStats(): void;
  setLatency(ms: number): void;
  setFaults(rules: FaultRule[]): void;
  setDelivery(options: Partial<DeliveryOptions> | undefined): void;
  advanceClock(seconds: number): Promise<void>;
  addWebhookEndpoint(url: string): void;
  flushWebhooks(): Promise<void>;
  webhookDeliveries(): DeliveryAttempt[];
  now(): number;
}

/** Settings a process that did not start the emulator needs in order to use it. */
export interface EmulatorInfo {
  /** Where the API listens. */
  url: string;
  /** Base of hosted page links. */
  publicUrl: string;
  secretKey: string;
  webhookSecret: string;
  webhookEndpoints: string[];
  now: number;
}

/**
 * The emulator's own control API, for benchmarks and test processes that did
 * not start it. Not part of Stripe's API: no API key, JSON in and out.
 */
export function registerControlRoutes(
  app: FastifyInstance,
  controls: EmulatorControls,
  info: () => EmulatorInfo,
  /** The Stripe API routes the emulator serves (`GET /v1/customers/:id`). */
  apiRoutes: readonly string[],
): void {
  const action = (url: string, run: (body: Params, raw: unknown) => unknown) => {
    app.post(url, async (request, reply) => {
      try {
        const result = await run(isParams(request.body) ? request.body : {}, request.body);
        return reply.send(result ?? { ok: true });
      } catch (error) {
        return badRequest(reply, error);
      }
    });
  };

  app.get('/_emulator/info', () => info());
  app.get('/_emulator/stats', () => controls.stats());
  app.get('/_emulator/routes', () => ({ routes: [...apiRoutes].sort() }));
  app.get('/_emulator/webhook-deliveries', () => controls.webhookDeliveries());
  action('/_emulator/reset-stats', () => controls.resetStats());
  action('/_emulator/latency', (body) => controls.setLatency(numberField(body, 'ms')));
  // `{ "faults": [...] }` or the bare array; an empty body clears all faults.
  action('/_emulator/faults', (body, raw) =>
    controls.setFaults(parseFaultRules(Array.isArray(raw) ? raw : (body.faults ?? []))),
  );
  action('/_emulator/delivery', (body) => controls.setDelivery(deliveryOptions(body)));
  action('/_emulator/clock/advance', async (body) => {
    await controls.advanceClock(numberField(body, 'seconds'));
    return { now: controls.now() };
  });
  action('/_emulator/webhook-endpoints', (body) => {
    if (typeof body.url !== 'string') throw new Error('Expected { "url": "http://…" }.');
    controls.addWebhookEndpoint(body.url);
  });
  action('/_emulator/flush', () => controls.flushWebhooks());
}

function badRequest(reply: FastifyReply, error: unknown): FastifyReply {
  const message = error instanceof Error ? error.message : String(error);
  return reply.code(400).send({ error: { type: 'invalid_request_error', message } });
}

/** Accepts JSON numbers and the strings a form post would carry. */
function numberField(body: Params, key: string): number {
  const value = typeof body[key] === 'string' ? Number(body[key]) : body[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new Error(`Expected { "${key}": <non-negative number> }.`);
  return value;
}

export function deliveryOptions(body: Params): Partial<DeliveryOptions> {
  const options: Partial<DeliveryOptions> = {};
  for (const key of ['duplicate', 'shuffle'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
      throw new Error(`"${key}" must be a boolean.`);
    options[key] = value === true || value === 'true';
  }
  for (const key of ['delayMs', 'maxAttempts', 'retryBaseMs', 'timeoutMs', 'concurrency'] as const) {
    if (body[key] !== undefined) options[key] = numberField(body, key);
  }
  for (const key of ['maxAttempts', 'concurrency'] as const) {
    const value = options[key];
    if (value !== undefined && (value < 1 || !Number.isInteger(value)))
      throw new Error(`"${key}" must be a whole number, at least 1.`);
  }
  return options;
}
