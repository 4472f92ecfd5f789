import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestEmulator,
  startWebhookReceiver,
  stripeError,
  type TestEmulator,
  type WebhookReceiver,
} from './helpers';

let t: TestEmulator;
let customersOnly: WebhookReceiver;
let everything: WebhookReceiver;

beforeAll(async () => {
  t = await startTestEmulator();
  customersOnly = await startWebhookReceiver();
  everything = await startWebhookReceiver();
});
afterAll(async () => {
  await t.emulator.close();
  await customersOnly.close();
  await everything.close();
});

describe('/v1/webhook_endpoints', () => {
  it('registers endpoints that receive their enabled events, signed with their own secret shown once', async () => {
    const narrow = await t.stripe.webhookEndpoints.create({
      url: customersOnly.url,
      enabled_events: ['customer.created'],
      description: 'CRM sync',
      metadata: { team: 'growth' },
    });
    expect(narrow).toMatchObject({
      object: 'webhook_endpoint',
      url: customersOnly.url,
      enabled_events: ['customer.created'],
      description: 'CRM sync',
      metadata: { team: 'growth' },
      status: 'enabled',
      livemode: false,
      api_version: null,
      application: null,
    });
    expect(narrow.id).toMatch(/^we_/);
    expect(narrow.secret).toMatch(/^whsec_/);
    const wide = await t.stripe.webhookEndpoints.create({ url: everything.url, enabled_events: ['*'] });
    const retrieved = await t.stripe.webhookEndpoints.retrieve(narrow.id);
    expect(retrieved).not.toHaveProperty('secret');
    expect((await t.stripe.webhookEndpoints.list()).data.map((endpoint) => endpoint.id)).toEqual([wide.id, narrow.id]);

    const customer = await t.stripe.customers.create({ email: 'hooked@example.com' });
    await t.stripe.products.create({ name: 'Hooked' });
    await t.emulator.flushWebhooks();

    expect(customersOnly.received.map((delivery) => delivery.event.type)).toEqual(['customer.created']);
    expect(everything.received.map((delivery) => delivery.event.type)).toEqual(['customer.created', 'product.created']);
    const [delivery] = customersOnly.received;
    const event = t.stripe.webhooks.constructEvent(
      delivery?.body ?? '',
      delivery?.signature ?? '',
      narrow.secret ?? '',
    );
    expect(event.data.object).toMatchObject({ id: customer.id });
    // Signed with the endpoint's secret, not the emulator's own nor another endpoint's.
    expect(() =>
      t.stripe.webhooks.constructEvent(delivery?.body ?? '', delivery?.signature ?? '', t.emulator.webhookSecret),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() =>
      t.stripe.webhooks.constructEvent(delivery?.body ?? '', delivery?.signature ?? '', wide.secret ?? ''),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    // pending_webhooks counted the two endpoints that wanted customer.created.
    expect(delivery?.event).toMatchObject({ pending_webhooks: 2 });
  });

  it('updates apply to the next event; a disabled or deleted endpoint gets nothing', async () => {
    const [narrow, wide] = (await t.stripe.webhookEndpoints.list()).data.reverse();
    customersOnly.clear();
    everything.clear();
    const updated = await t.stripe.webhookEndpoints.update(narrow?.id ?? '', {
      enabled_events: ['product.created'],
      description: '',
    });
    expect(updated).toMatchObject({ enabled_events: ['product.created'], description: null });
    const disabled = await t.stripe.webhookEndpoints.update(wide?.id ?? '', { disabled: true });
    expect(disabled.status).toBe('disabled');
    await t.stripe.customers.create({});
    await t.stripe.products.create({ name: 'After update' });
    await t.emulator.flushWebhooks();
    expect(customersOnly.received.map((delivery) => delivery.event.type)).toEqual(['product.created']);
    expect(everything.received).toEqual([]);

    const deleted = await t.stripe.webhookEndpoints.del(narrow?.id ?? '');
    expect(deleted).toEqual({ id: narrow?.id, object: 'webhook_endpoint', deleted: true });
    await t.stripe.products.create({ name: 'After delete' });
    await t.emulator.flushWebhooks();
    expect(customersOnly.received).toHaveLength(1);
    const missing = await stripeError(t.stripe.webhookEndpoints.retrieve(narrow?.id ?? ''));
    expect(missing).toMatchObject({ statusCode: 404, message: `No such webhook endpoint: '${narrow?.id}'` });
  });

  it('refuses a missing or malformed url and missing or malformed enabled_events', async () => {
    const cases: [Stripe.WebhookEndpointCreateParams, Partial<Stripe.errors.StripeError>][] = [
      [{ enabled_events: ['*'] } as Stripe.WebhookEndpointCreateParams, { code: 'parameter_missing', param: 'url' }],
      [
        { url: 'ftp://example.com/hook', enabled_events: ['*'] },
        { code: 'url_invalid', param: 'url' },
      ],
      [{ url: 'https://example.com/hook' } as Stripe.WebhookEndpointCreateParams, { param: 'enabled_events' }],
      [{ url: 'https://example.com/hook', enabled_events: ['not an event' as '*'] }, { param: 'enabled_events[0]' }],
    ];
    for (const [params, expected] of cases) {
      expect(await stripeError(t.stripe.webhookEndpoints.create(params))).toMatchObject({
        statusCode: 400,
        ...expected,
      });
    }
  });
});
