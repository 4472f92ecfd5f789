import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DatabaseKind, stripeEvents } from '@subkit/db';
import { startStripeEmulator } from '@subkit/stripe-emulator';
import { isNull } from 'drizzle-orm';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { type JsonResponse, request, SEED_ORIGIN, type Stack, startStack, startTestServer } from '../harness';
import { emulatorEnv, type ServerProcess, spawnServer } from '../processes';
import { countCheck, figures } from './figures';

/**
 * What the servers offer: a subset of the emulator's recurring prices, so that `price_pro_yearly`
 * is active and recurring at Stripe yet must not be sold.
 */
export const PLANS = ['price_starter_monthly', 'price_1ABC123XYZ'];
/**
 * Each server's per-user budget of Stripe-spending calls a minute: small enough that a burst
 * crosses it, large enough that ordinary sequences rarely do (the model allows a 429 only then).
 */
export const STRIPE_BUDGET = 8;
const SERVER_ENV = {
  PLANS: PLANS.join(','),
  ALLOWED_REDIRECT_ORIGINS: SEED_ORIGIN,
  LOG_LEVEL: 'error',
  RATE_LIMIT_STRIPE_PER_MIN: String(STRIPE_BUDGET),
};

/** The error lines the in-process servers logged lately: where a 5xx's request id is looked up. */
const serverErrors: string[] = [];
const errorLog = {
  write(line: string) {
    serverErrors.push(line.trim());
    serverErrors.splice(0, serverErrors.length - 200);
  },
};
/** Lines of a failure report: enough to see the error, not a log's worth. */
const reportLines = (lines: string[]) => lines.slice(-5).map((line) => line.slice(0, 2_000));

/** One server behind the webhook balancer: in this process, or (on Postgres) a real process. */
interface Instance {
  label: string;
  url: string;
  up: boolean;
  stop(): Promise<void>;
  /** Its error log lines, latest last. */
  log(): string[];
}

/** A response our server gave, as the trace and the envelope check see it. */
export interface Exchange {
  instance: string;
  method: string;
  path: string;
  status: number;
  text: string;
}

/**
 * The system under test: the emulator as Stripe, one database, and two servers on it (two app
 * instances on one handle for PGlite, this process plus a spawned production process for
 * Postgres). Stripe posts webhooks to one URL, a balancer that hands each delivery to a server
 * that is up, as a load balancer in front of two processes would; that lets a server restart
 * without Stripe's endpoint changing.
 */
export class BillingSystem {
  /** Set while an injected Stripe fault may still fire: then a 5xx (in the envelope) is an honest answer. */
  faultsArmed = false;
  private nextInstance = 0;

  private constructor(
    readonly kind: DatabaseKind,
    readonly stack: Stack,
    readonly instances: Instance[],
    private readonly balancer: http.Server,
  ) {
    const { secretKey, host, port } = stack.emulator;
    this.stripe = new Stripe(secretKey, { host, port, protocol: 'http', maxNetworkRetries: 10 });
  }

  static async start(kind: DatabaseKind): Promise<BillingSystem> {
    const stack = await startStack(kind, SERVER_ENV);
    // The stack's own server logs nowhere; a replacement logs errors where a failure report finds them.
    await stack.server.close();
    const instances: Instance[] = [await restartInProcess(stack), await secondInstance(stack)];
    const balancer = http.createServer();
    const system = new BillingSystem(kind, stack, instances, balancer);
    balancer.on('request', (incoming, outgoing) => void system.forwardWebhook(incoming, outgoing));
    await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
    const { port } = balancer.address() as AddressInfo;
    system.webhookUrl = `http://127.0.0.1:${port}/api/billing/webhook`;
    stack.emulator.addWebhookEndpoint(system.webhookUrl);
    return system;
  }

  private webhookUrl = '';

  /** How far Stripe's clock runs ahead of ours, in seconds (the clock command moves only Stripe's). */
  stripeAheadSeconds(): number {
    return this.emulator.now() - Math.floor(Date.now() / 1000);
  }

  /**
   * A fresh Stripe at the same address, key and webhook secret, so the servers keep talking to
   * it: the emulator's clock cannot go back, and one a month ahead of ours refuses every
   * checkout's `expires_at`, which would leave later sequences nothing to explore.
   */
  async freshStripe(): Promise<void> {
    const { emulator } = this.stack;
    await emulator.close();
    this.stack.emulator = await startStripeEmulator({
      port: emulator.port,
      host: emulator.host,
      webhookSecret: emulator.webhookSecret,
      webhookEndpoints: [this.webhookUrl],
    });
  }

  get emulator() {
    return this.stack.emulator;
  }

  /**
   * The real SDK, as the test's oracle and as the actions of customers and operators at Stripe.
   * It retries past the injected faults (each fires a few times at most): they are aimed at our servers.
   */
  readonly stripe: Stripe;

  /**
   * A subscription as Stripe holds it. Our servers read subscriptions too, so a rate-limit fault
   * aimed at them may hit this read; the SDK does not retry a 429, so this does.
   */
  async subscriptionAtStripe(id: string): Promise<Stripe.Subscription> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.stripe.subscriptions.retrieve(id);
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeRateLimitError) || attempt >= 10) throw error;
      }
    }
  }

  get db() {
    return this.stack.database.db;
  }

  /**
   * One HTTP exchange with server `index`, checked at once: every answer is the envelope (REST) or
   * tRPC's error shape, and no answer is a 5xx unless an injected Stripe fault may explain it.
   */
  async call(
    index: number,
    method: string,
    path: string,
    options: Parameters<typeof request>[3] = {},
    trace?: (exchange: Exchange) => void,
  ): Promise<JsonResponse> {
    const instance = this.instances[index % this.instances.length] as Instance;
    const response = await request(instance.url, method, path, options);
    trace?.({ instance: instance.label, method, path, status: response.status, text: response.text });
    try {
      assertAnswerShape(path, response, this.faultsArmed);
      if (response.status >= 500) await assertErrorLogged(instance, response);
    } catch (error) {
      const logged = reportLines(instance.log()).join('\n');
      if (error instanceof Error && logged) error.message += `\nserver ${instance.label} logged:\n${logged}`;
      throw error;
    }
    return response;
  }

  /** The server that `call(index, …)` talks to, for a client of its own (a streamed body). */
  urlOf(index: number): string {
    return (this.instances[index % this.instances.length] as Instance).url;
  }

  /** Stops server `index` and starts it again on the same database, as a deploy or crash-restart would. */
  async restart(index: number): Promise<void> {
    const instance = this.instances[index % this.instances.length] as Instance;
    instance.up = false;
    await instance.stop();
    const replacement = instance.label === 'A' ? await restartInProcess(this.stack) : await secondInstance(this.stack);
    this.instances[this.instances.indexOf(instance)] = replacement;
  }

  /** Injected faults off, every queued webhook delivered or given up, and every received event applied. */
  async settle(): Promise<void> {
    this.emulator.setFaults([]);
    this.faultsArmed = false;
    await this.emulator.flushWebhooks();
    await expect
      .poll(async () => (await this.db.select().from(stripeEvents).where(isNull(stripeEvents.processedAt))).length, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(0);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.balancer.close(() => resolve()));
    for (const instance of this.instances.slice(1)) await instance.stop();
    await this.stack.close();
  }

  private async forwardWebhook(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const live = this.instances.filter((instance) => instance.up);
    const target = live[this.nextInstance++ % Math.max(live.length, 1)];
    if (!target) return void outgoing.writeHead(503).end();
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'stripe-signature', 'user-agent']) {
      const value = incoming.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    try {
      const answer = await fetch(new URL(incoming.url ?? '/', target.url), {
        method: incoming.method,
        headers,
        body: Buffer.concat(chunks),
      });
      outgoing.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    } catch {
      // The server went down mid-delivery: Stripe sees a failed attempt and retries.
      outgoing.writeHead(502).end();
    }
  }
}

function inProcess(label: string, stack: Stack): Instance {
  const { server } = stack;
  return { label, url: server.url, up: true, stop: () => server.close(), log: () => serverErrors };
}

async function restartInProcess(stack: Stack): Promise<Instance> {
  const server = await startTestServer(stack.database, stack.emulator, SERVER_ENV, {}, errorLog);
  // The stack closes its own server on close; the replacement takes its place.
  stack.server = server;
  return inProcess('A', stack);
}

async function secondInstance(stack: Stack): Promise<Instance> {
  const { database, emulator } = stack;
  if (!database.url) {
    const server = await startTestServer(database, emulator, SERVER_ENV, {}, errorLog);
    return { label: 'B', url: server.url, up: true, stop: () => server.close(), log: () => serverErrors };
  }
  const child: ServerProcess = await spawnServer({
    ...emulatorEnv(emulator),
    ...SERVER_ENV,
    DATABASE_URL: database.url,
  });
  return {
    label: 'B',
    url: child.url,
    up: true,
    stop: async () => {
      await child.stop();
    },
    log: () => child.output().trim().split('\n'),
  };
}

/**
 * The log invariant: every 5xx a server answers is in its log at error level under the request id
 * it answered with, whichever transport served it. Logging may trail the answer, so it is awaited.
 */
async function assertErrorLogged(instance: Instance, response: JsonResponse): Promise<void> {
  const requestId = response.headers.get('x-request-id');
  const logged = () =>
    instance.log().some((line) => line.includes('"level":50') && line.includes(`"reqId":"${requestId}"`));
  const deadline = Date.now() + 10_000;
  while (!logged()) {
    if (Date.now() > deadline)
      throw new Error(
        `${response.status} with request id ${requestId} has no error line under that id in the server's log`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ENVELOPE_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/** The answer-shape invariant; throws with the response so the trace shows what came back. */
export function assertAnswerShape(path: string, response: JsonResponse, faultsArmed: boolean): void {
  figures.answersChecked += 1;
  countCheck();
  const { status, body, text } = response;
  const fail = (why: string) => {
    throw new Error(`${why}: ${path} answered ${status} ${text.slice(0, 300)}`);
  };
  if (status >= 500 && !faultsArmed) fail('5xx without an injected fault');
  if (typeof body !== 'object' || body === null) fail('not JSON');
  const answer = body as Record<string, unknown>;
  if (path.startsWith('/trpc/') && Array.isArray(body)) {
    // A batch answers 207 when its calls disagree; each call carries its own status.
    for (const call of body as { error?: { data?: { httpStatus?: number } } }[]) {
      const callStatus = call.error?.data?.httpStatus ?? 200;
      assertAnswerShape(path, { ...response, status: callStatus, body: call, text: JSON.stringify(call) }, faultsArmed);
    }
    return;
  }
  if (path.startsWith('/trpc/')) {
    if (status < 400) {
      if (typeof answer.result !== 'object') fail('tRPC success without result');
      return;
    }
    const error = answer.error as { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } } | undefined;
    if (typeof error?.message !== 'string' || error.data?.httpStatus !== status) fail('tRPC error without its shape');
    if (ENVELOPE_CODES[status] && error?.data?.code !== ENVELOPE_CODES[status]) fail('tRPC error code disagrees');
    return;
  }
  if (status < 400) {
    if (answer.success !== true || !('data' in answer)) fail('success outside the envelope');
    return;
  }
  const error = answer.error as { code?: unknown; message?: unknown } | undefined;
  if (answer.success !== false || typeof error?.code !== 'string' || typeof error.message !== 'string')
    fail('error outside the envelope');
  if (ENVELOPE_CODES[status] && error?.code !== ENVELOPE_CODES[status]) fail('envelope code disagrees with status');
}
