import http from 'node:http';
import https from 'node:https';
import type { EventSink } from '../events';
import type { StripeEvent } from '../wire';
import { signatureHeader } from './sign';

export interface DeliveryOptions {
  /** Send every event twice, as Stripe occasionally does. */
  duplicate: boolean;
  /** Deliver each batch of queued events (for instance the seven of a completed checkout) out of order. */
  shuffle: boolean;
  /** Wait this long before each delivery, to simulate late webhooks. */
  delayMs: number;
  /** Attempts per event and endpoint before giving up. */
  maxAttempts: number;
  /** Delay before the first retry; doubled for each further one. */
  retryBaseMs: number;
  /** An attempt that takes longer than this counts as failed. */
  timeoutMs: number;
  /**
   * Deliveries in flight at once per endpoint. Stripe sends events concurrently and does not
   * guarantee their order (https://docs.stripe.com/webhooks#event-ordering); 1 (the default) keeps
   * the emulator's creation order, which most tests of one checkout want. A renewal storm needs more.
   */
  concurrency: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  duplicate: false,
  shuffle: false,
  delayMs: 0,
  maxAttempts: 5,
  retryBaseMs: 500,
  timeoutMs: 10_000,
  concurrency: 1,
};

export interface DeliveryAttempt {
  eventId: string;
  type: string;
  endpoint: string;
  attempt: number;
  /** HTTP status, or null when the connection failed or timed out. */
  status: number | null;
  error: string | null;
}

interface Job {
  event: StripeEvent;
  body: string;
}

interface EndpointQueue {
  url: string;
  /** The secret that signs this endpoint's deliveries. */
  secret: string;
  pending: Job[];
  draining: boolean;
}

/** An endpoint registered through `/v1/webhook_endpoints`, as delivery needs it. */
export interface RegisteredEndpoint {
  id: string;
  url: string;
  secret: string;
  /** Event types it wants; `*` for all. */
  enabledEvents: readonly string[];
}

function wants(endpoint: RegisteredEndpoint, type: string): boolean {
  return endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type);
}

/**
 * Posts signed events to webhook endpoints. Each endpoint has its own queue, drained by
 * `concurrency` deliveries at a time (one by default, so that, unless `shuffle` is on, an endpoint
 * sees events in creation order); an event being retried holds back the ones behind it in its
 * slot. Nothing here delays an API response: events are queued and sent later.
 */
export class WebhookDispatcher implements EventSink {
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly attempts: DeliveryAttempt[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly requests = new Set<http.ClientRequest>();
  private idleWaiters: (() => void)[] = [];
  private outstanding = 0;
  private closed = false;

  /** Queues of endpoints registered through the API, by endpoint id. */
  private readonly registeredQueues = new Map<string, EndpointQueue>();

  constructor(
    private readonly secret: string,
    private options: DeliveryOptions,
    /** Called once per endpoint that accepted an event, to keep `pending_webhooks` honest. */
    private readonly onDelivered: (eventId: string) => void,
    /** The enabled endpoints registered through the API right now; read at each event, so changes apply at once. */
    private readonly registered: () => RegisteredEndpoint[] = () => [],
  ) {}

  /** An endpoint from the options or the control API: every event, signed with the emulator's secret. */
  addEndpoint(url: string): void {
    new URL(url); // throws on a malformed URL now rather than at delivery time
    if (!this.queues.has(url)) this.queues.set(url, { url, secret: this.secret, pending: [], draining: false });
  }

  endpoints(): string[] {
    return [...this.queues.keys()];
  }

  setOptions(options: Partial<DeliveryOptions>): void {
    this.options = { ...this.options, ...options };
  }

  getOptions(): DeliveryOptions {
    return { ...this.options };
  }

  /** Every attempt made so far, oldest first. */
  log(): DeliveryAttempt[] {
    return [...this.attempts];
  }

  endpointCount(type: string): number {
    return this.queues.size + this.registered().filter((endpoint) => wants(endpoint, type)).length;
  }

  send(event: StripeEvent): void {
    if (this.closed) return;
    // Serialised now: the payload is the event as it was when it happened.
    const body = JSON.stringify(event, null, 2);
    const copies = this.options.duplicate ? 2 : 1;
    for (const queue of [...this.queues.values(), ...this.registeredQueuesFor(event.type)]) {
      for (let copy = 0; copy < copies; copy++) {
        queue.pending.push({ event, body });
        this.outstanding++;
      }
      this.scheduleDrain(queue);
    }
  }

  /** The queues of the registered endpoints that want `type`, each with its current URL and secret. */
  private registeredQueuesFor(type: string): EndpointQueue[] {
    return this.registered()
      .filter((endpoint) => wants(endpoint, type))
      .map((endpoint) => {
        const queue = this.registeredQueues.get(endpoint.id) ?? { ...endpoint, pending: [], draining: false };
        queue.url = endpoint.url;
        queue.secret = endpoint.secret;
        this.registeredQueues.set(endpoint.id, queue);
        return queue;
      });
  }

  /** Resolves once every queued delivery has succeeded or run out of attempts. */
  flush(): Promise<void> {
    if (this.outstanding === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops queued events, cancels retries and in-flight requests, and releases `flush()` callers. */
  close(): void {
    this.closed = true;
    for (const { timer, resolve } of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    for (const request of this.requests) request.destroy();
    this.requests.clear();
    for (const queue of [...this.queues.values(), ...this.registeredQueues.values()]) queue.pending = [];
    this.outstanding = 0;
    this.releaseWaiters();
  }

  private scheduleDrain(queue: EndpointQueue): void {
    if (queue.draining) return;
    queue.draining = true;
    // Start on the next turn so that every event emitted by one operation forms a single batch.
    setImmediate(() => void this.drain(queue));
  }

  private async drain(queue: EndpointQueue): Promise<void> {
    while (!this.closed && queue.pending.length > 0) {
      const batch = queue.pending.splice(0);
      const jobs = this.options.shuffle ? shuffled(batch) : batch;
      let next = 0;
      // Each slot takes the next job of the batch when its delivery (retries included) is over.
      const slot = async () => {
        for (let job = jobs[next++]; job !== undefined && !this.closed; job = jobs[next++]) {
          await this.deliver(queue, job);
          this.outstanding--;
          if (this.outstanding === 0) this.releaseWaiters();
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, jobs.length) }, slot));
    }
    queue.draining = false;
  }

  private async deliver(queue: EndpointQueue, job: Job): Promise<void> {
    const { maxAttempts, retryBaseMs, delayMs, timeoutMs } = this.options;
    const { url } = queue;
    if (delayMs > 0) await this.sleep(delayMs);
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
      const result = await this.post(url, job.body, queue.secret, timeoutMs);
      this.attempts.push({ eventId: job.event.id, type: job.event.type, endpoint: url, attempt, ...result });
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        this.onDelivered(job.event.id);
        return;
      }
      if (attempt < maxAttempts) await this.sleep(retryBaseMs * 2 ** (attempt - 1));
    }
  }

  private post(
    url: string,
    body: string,
    secret: string,
    timeoutMs: number,
  ): Promise<{ status: number | null; error: string | null }> {
    return new Promise((resolve) => {
      if (this.closed) return resolve({ status: null, error: 'emulator closed' });
      const target = new URL(url);
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(target, {
        method: 'POST',
        // A fresh connection per attempt: no pooled socket outlives close().
        agent: false,
        timeout: timeoutMs,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Stripe-Signature': signatureHeader(body, secret),
          'Content-Length': Buffer.byteLength(body),
        },
      });
      this.requests.add(request);
      const settle = (result: { status: number | null; error: string | null }) => {
        this.requests.delete(request);
        resolve(result);
      };
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => settle({ status: response.statusCode ?? null, error: null }));
        response.on('error', (error) => settle({ status: null, error: error.message }));
      });
      request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on('error', (error) => settle({ status: null, error: error.message }));
      request.end(body);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  private releaseWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A random order that is never the original one (for two or more jobs), so tests of out-of-order handling always get one. */
function shuffled<T>(items: T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const [current, picked] = [result[i], result[j]];
    if (current !== undefined && picked !== undefined) [result[i], result[j]] = [picked, current];
  }
  const first = result[0];
  if (first !== undefined && result.length > 1 && result.every((item, index) => item === items[index])) {
    result.push(first);
    result.shift();
  }
  return result;
}
