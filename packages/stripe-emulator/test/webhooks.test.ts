import http from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signatureHeader } from '../src/index';
import {
  completeSession,
  createSubscriptionSession,
  startTestEmulator,
  startWebhookReceiver,
  type TestEmulator,
  type WebhookReceiver,
} from './helpers';

let t: TestEmulator;
let receiver: WebhookReceiver;
const FAST_RETRIES = {
  duplicate: false,
  shuffle: false,
  delayMs: 0,
  maxAttempts: 5,
  retryBaseMs: 20,
  timeoutMs: 2000,
  concurrency: 1,
};

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await startTestEmulator({ webhookEndpoints: [receiver.url], delivery: FAST_RETRIES });
});
afterAll(async () => {
  await t.emulator.close();
  await receiver.close();
});
beforeEach(async () => {
  t.emulator.setDelivery(FAST_RETRIES);
  await t.emulator.flushWebhooks();
  receiver.clear();
});

const CHECKOUT_EVENTS = [
  'customer.created',
  'customer.subscription.created',
  'invoice.created',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_succeeded',
  'checkout.session.completed',
];

async function completeCheckout(): Promise<string> {
  const session = await createSubscriptionSession(t.stripe);
  await completeSession(t.emulator, session.id);
  return session.id;
}

describe('webhook delivery', () => {
  it('signs every delivery so that stripe.webhooks.constructEvent accepts it', async () => {
    expect(t.emulator.webhookSecret).toMatch(/^whsec_/);
    await completeCheckout();
    await t.emulator.flushWebhooks();
    expect(receiver.received).toHaveLength(CHECKOUT_EVENTS.length);
    for (const { body, signature } of receiver.received) {
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = t.stripe.webhooks.constructEvent(body, signature, t.emulator.webhookSecret);
      expect(event.id).toMatch(/^evt_/);
      expect(event).toMatchObject({ object: 'event', livemode: false, api_version: Stripe.API_VERSION });
    }
    const first = receiver.received[0];
    expect(() =>
      t.stripe.webhooks.constructEvent(`${first?.body} `, first?.signature ?? '', t.emulator.webhookSecret),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => t.stripe.webhooks.constructEvent(first?.body ?? '', first?.signature ?? '', 'whsec_wrong')).toThrow();
  });

  it('signs exactly as Stripe documents: HMAC-SHA256 of "t.body" keyed by the whole secret', () => {
    const header = signatureHeader('{"id":"evt_1"}', 'whsec_test', 1700000000);
    const expected = Stripe.webhooks.generateTestHeaderString({
      payload: '{"id":"evt_1"}',
      secret: 'whsec_test',
      timestamp: 1700000000,
    });
    expect(header).toBe(expected);
  });

  it('delivers in creation order', async () => {
    const sessionId = await completeCheckout();
    await t.emulator.flushWebhooks();
    expect(receiver.received.map((hook) => hook.event.type)).toEqual(CHECKOUT_EVENTS);
    expect(receiver.received.at(-1)?.event.data.object.id).toBe(sessionId);
    const stored = await t.stripe.events.retrieve(receiver.received[0]?.event.id ?? '');
    expect(stored.pending_webhooks).toBe(0);
  });

  it('retries a failing endpoint with backoff until it answers 2xx', async () => {
    receiver.failNext(2);
    const customer = await t.stripe.customers.create({ email: 'retry@example.com' });
    await t.emulator.flushWebhooks();
    expect(receiver.attempts).toBe(3);
    expect(receiver.received.map((hook) => hook.event.data.object.id)).toEqual([customer.id]);
    const attempts = t.emulator
      .webhookDeliveries()
      .filter((attempt) => attempt.eventId === receiver.received[0]?.event.id);
    expect(attempts.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
  });

  it('treats a timeout as a failed attempt and retries', async () => {
    // Long enough that the retry's answer always beats it on a loaded machine; the hung attempt waits it out.
    t.emulator.setDelivery({ timeoutMs: 1000 });
    receiver.hangNext(1);
    await t.stripe.customers.create({ email: 'slow@example.com' });
    await t.emulator.flushWebhooks();
    expect(receiver.attempts).toBe(2);
    expect(receiver.received).toHaveLength(1);
    const [timedOut] = t.emulator
      .webhookDeliveries()
      .filter((attempt) => attempt.status === null && attempt.eventId === receiver.received[0]?.event.id);
    expect(timedOut?.error).toMatch(/timed out/);
  });

  it('gives up after maxAttempts and moves on to the next event', async () => {
    t.emulator.setDelivery({ maxAttempts: 3 });
    receiver.failNext(3);
    await t.stripe.customers.create({ email: 'lost@example.com' });
    await t.stripe.customers.create({ email: 'delivered@example.com' });
    await t.emulator.flushWebhooks();
    expect(receiver.attempts).toBe(4);
    expect(receiver.received.map((hook) => hook.event.type)).toEqual(['customer.created']);
  });

  it('sends every event twice with duplicate', async () => {
    t.emulator.setDelivery({ duplicate: true });
    await t.stripe.customers.create({ email: 'twice@example.com' });
    await t.emulator.flushWebhooks();
    const ids = receiver.received.map((hook) => hook.event.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('delivers a batch out of order with shuffle', async () => {
    t.emulator.setDelivery({ shuffle: true });
    await completeCheckout();
    await t.emulator.flushWebhooks();
    const types = receiver.received.map((hook) => hook.event.type);
    expect([...types].sort()).toEqual([...CHECKOUT_EVENTS].sort());
    expect(types).not.toEqual(CHECKOUT_EVENTS);
  });

  it('keeps `concurrency` deliveries in flight at once, as Stripe delivers concurrently', async () => {
    // An endpoint that answers nothing until three deliveries are open at once: one at a time,
    // the first would wait for company until its (long) timeout.
    const held: http.ServerResponse[] = [];
    const received: string[] = [];
    const endpoint = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        received.push((JSON.parse(body) as { type: string }).type);
        held.push(response);
        if (held.length >= 3) for (const waiting of held.splice(0)) waiting.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const { port } = endpoint.address() as { port: number };
    const concurrent = await startTestEmulator({
      webhookEndpoints: [`http://127.0.0.1:${port}/webhooks`],
      delivery: { ...FAST_RETRIES, timeoutMs: 60_000, concurrency: 3 },
    });
    try {
      await completeSession(concurrent.emulator, (await createSubscriptionSession(concurrent.stripe)).id);
      await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
      // The seventh is alone in its batch: release it as soon as it arrives.
      await expect.poll(() => received.length, { timeout: 20_000 }).toBe(CHECKOUT_EVENTS.length);
      for (const waiting of held.splice(0)) waiting.writeHead(200).end('ok');
      await concurrent.emulator.flushWebhooks();
      expect([...received].sort()).toEqual([...CHECKOUT_EVENTS].sort());
      expect(concurrent.emulator.webhookDeliveries().every((attempt) => attempt.status === 200)).toBe(true);
    } finally {
      await concurrent.emulator.close();
      endpoint.closeAllConnections();
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    }
  });

  it('delivers late with delayMs, never holding up the API response', async () => {
    t.emulator.setDelivery({ delayMs: 150 });
    const started = Date.now();
    await t.stripe.customers.create({ email: 'late@example.com' });
    expect(receiver.received).toHaveLength(0);
    await t.emulator.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  // Last in the file: it leaves an extra (then closed) endpoint registered.
  it('delivers to endpoints added at run time, over HTTP too', async () => {
    const second = await startWebhookReceiver();
    try {
      t.emulator.addWebhookEndpoint(second.url);
      const response = await fetch(`${t.emulator.url}/_emulator/webhook-endpoints`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: second.url }),
      });
      expect(response.status).toBe(200);
      await t.stripe.customers.create({ email: 'both@example.com' });
      await t.emulator.flushWebhooks();
      expect(receiver.received).toHaveLength(1);
      expect(second.received).toHaveLength(1);
      const event = await t.stripe.events.retrieve(second.received[0]?.event.id ?? '');
      expect(event.pending_webhooks).toBe(0);
    } finally {
      await second.close();
    }
  });
});
