import http from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import { type StripeEmulator, type StripeEmulatorOptions, startStripeEmulator } from '../src/index';

export interface TestEmulator {
  emulator: StripeEmulator;
  stripe: Stripe;
}

/** An emulator on a free port and an SDK client pointed at it. */
export async function startTestEmulator(
  options: StripeEmulatorOptions = {},
  client: Stripe.StripeConfig = {},
): Promise<TestEmulator> {
  const emulator = await startStripeEmulator({ port: 0, ...options });
  return { emulator, stripe: sdkFor(emulator, client) };
}

/**
 * One emulator for the whole test file: started before its first test, closed after its last. The
 * returned handle is filled in by then, so tests read `t.emulator` and `t.stripe` as usual.
 */
export function emulatorForFile(options: StripeEmulatorOptions = {}, client: Stripe.StripeConfig = {}): TestEmulator {
  const handle = {} as TestEmulator;
  beforeAll(async () => {
    Object.assign(handle, await startTestEmulator(options, client));
  });
  afterAll(() => handle.emulator.close());
  return handle;
}

export function sdkFor(emulator: StripeEmulator, client: Stripe.StripeConfig = {}): Stripe {
  return new Stripe(emulator.secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', ...client });
}

/** A raw form-encoded API call, for checking the wire format itself. */
export function apiFetch(
  emulator: StripeEmulator,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${emulator.secretKey}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
}

export interface ReceivedWebhook {
  body: string;
  signature: string;
  event: { id: string; type: string; data: { object: { id: string } } };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Attempts, including those answered with an error. */
  attempts: number;
  /** Answer the next `count` attempts with HTTP 500. */
  failNext(count: number): void;
  /** Never answer the next `count` attempts. */
  hangNext(count: number): void;
  /** Forget what was received so far. */
  clear(): void;
  close(): Promise<void>;
}

/** A local HTTP server standing in for an app's webhook endpoint. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let failuresLeft = 0;
  let hangsLeft = 0;
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    attempts: 0,
    failNext(count) {
      failuresLeft = count;
    },
    hangNext(count) {
      hangsLeft = count;
    },
    clear() {
      receiver.received = [];
      receiver.attempts = 0;
      failuresLeft = 0;
      hangsLeft = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      receiver.attempts++;
      if (hangsLeft > 0) {
        hangsLeft--;
        return;
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        response.writeHead(500).end('failing on purpose');
        return;
      }
      const event = JSON.parse(body) as ReceivedWebhook['event'];
      receiver.received.push({ body, signature: String(request.headers['stripe-signature']), event });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver has no port');
  receiver.url = `http://127.0.0.1:${address.port}/webhooks`;
  return receiver;
}

/** Creates an open subscription-mode session for the given price (default Pro monthly). */
export function createSubscriptionSession(
  stripe: Stripe,
  params: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: 'price_1ABC123XYZ', quantity: 1 }],
    customer_email: 'ada@example.com',
    success_url: 'http://app.test/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://app.test/pricing',
    ...params,
  });
}

/** `POST /v1/test_helpers/checkout/sessions/:id/complete`, which the SDK has no method for. */
export async function completeSession(
  emulator: StripeEmulator,
  sessionId: string,
  /** What the payer types on the page when the session has neither customer nor customer_email. */
  email?: string,
): Promise<Stripe.Checkout.Session> {
  const body = email === undefined ? '' : new URLSearchParams({ email }).toString();
  const response = await apiFetch(emulator, 'POST', `/v1/test_helpers/checkout/sessions/${sessionId}/complete`, body);
  if (response.status !== 200) throw new Error(`complete failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Stripe.Checkout.Session;
}

/** Pays for a new session through the test helper and returns the resulting subscription. */
export async function subscribe(
  { emulator, stripe }: TestEmulator,
  params: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Subscription> {
  const session = await createSubscriptionSession(stripe, params);
  const completed = await completeSession(emulator, session.id);
  if (typeof completed.subscription !== 'string') throw new Error('the completed session has no subscription');
  return stripe.subscriptions.retrieve(completed.subscription);
}

/** Events created after the event `since` (exclusive; undefined = all), oldest first. */
export async function eventsSince(stripe: Stripe, since: string | undefined): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    if (event.id === since) break;
    events.push(event);
  }
  return events.reverse();
}

/** The id of the newest event, to use as a marker for `eventsSince`. */
export async function latestEventId(stripe: Stripe): Promise<string | undefined> {
  const { data } = await stripe.events.list({ limit: 1 });
  return data[0]?.id;
}

/** The Stripe error a call fails with; anything else (success included) fails the test. */
export async function stripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Stripe.errors.StripeError)) throw new Error(`expected a Stripe error, got ${String(error)}`);
  return error;
}
