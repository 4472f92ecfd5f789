import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsSince, latestEventId, startTestEmulator, stripeError, subscribe, type TestEmulator } from './helpers';

const PRO = 'price_1ABC123XYZ';
const PRO_YEARLY = 'price_pro_yearly';
const STARTER = 'price_starter_monthly';
const DAY = 24 * 60 * 60;

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

/** A configuration that lets customers switch between Pro monthly, Pro yearly and Starter. */
function switchingConfiguration(
  proration: 'always_invoice' | 'create_prorations' | 'none',
  cancel: Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionCancel = { enabled: false },
) {
  return t.stripe.billingPortal.configurations.create({
    name: `switch (${proration})`,
    features: {
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price'],
        proration_behavior: proration,
        products: [
          { product: 'prod_pro', prices: [PRO, PRO_YEARLY] },
          { product: 'prod_starter', prices: [STARTER] },
        ],
      },
      subscription_cancel: cancel,
      payment_method_update: { enabled: true },
    },
  });
}

function submitForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('billing portal configurations', () => {
  it('has a default configuration, and creates, retrieves, updates and lists others', async () => {
    const defaults = await t.stripe.billingPortal.configurations.list({ is_default: true });
    expect(defaults.data).toHaveLength(1);
    const [fallback] = defaults.data;
    expect(fallback).toMatchObject({
      object: 'billing_portal.configuration',
      is_default: true,
      active: true,
      livemode: false,
      features: {
        subscription_cancel: { enabled: true, mode: 'at_period_end' },
        subscription_update: { enabled: true, default_allowed_updates: ['price'] },
      },
    });
    expect(fallback?.id).toMatch(/^bpc_/);

    const created = await switchingConfiguration('always_invoice');
    expect(created).toMatchObject({
      object: 'billing_portal.configuration',
      is_default: false,
      name: 'switch (always_invoice)',
      features: {
        subscription_update: {
          enabled: true,
          proration_behavior: 'always_invoice',
          products: [
            { product: 'prod_pro', prices: [PRO, PRO_YEARLY] },
            { product: 'prod_starter', prices: [STARTER] },
          ],
        },
        subscription_cancel: { enabled: false },
        payment_method_update: { enabled: true },
      },
    });
    expect(await t.stripe.billingPortal.configurations.retrieve(created.id)).toEqual(created);

    const renamed = await t.stripe.billingPortal.configurations.update(created.id, {
      name: 'renamed',
      active: false,
      features: { subscription_cancel: { enabled: true, mode: 'immediately' } },
    });
    expect(renamed).toMatchObject({
      name: 'renamed',
      active: false,
      features: { subscription_cancel: { mode: 'immediately' } },
    });
    const inactive = await t.stripe.billingPortal.configurations.list({ active: false });
    expect(inactive.data.map((configuration) => configuration.id)).toContain(created.id);
  });

  it('answers errors as Stripe does', async () => {
    expect(await stripeError(t.stripe.billingPortal.configurations.retrieve('bpc_missing'))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such configuration: 'bpc_missing'",
    });
    expect(
      await stripeError(
        t.stripe.billingPortal.configurations.create({} as Stripe.BillingPortal.ConfigurationCreateParams),
      ),
    ).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'features' });
    expect(
      await stripeError(
        t.stripe.billingPortal.configurations.create({
          features: { subscription_update: { enabled: true, products: [{ product: 'prod_pro', prices: [STARTER] }] } },
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: 'features[subscription_update][products][0][prices]' });
    const [fallback] = (await t.stripe.billingPortal.configurations.list({ is_default: true })).data;
    expect(
      await stripeError(t.stripe.billingPortal.configurations.update(String(fallback?.id), { active: false })),
    ).toMatchObject({ statusCode: 400, param: 'active' });
  });
});

describe('billing portal sessions', () => {
  it('use the default configuration, or the one named, and refuse an unknown one', async () => {
    const subscription = await subscribe(t);
    const customer = String(subscription.customer);
    const [fallback] = (await t.stripe.billingPortal.configurations.list({ is_default: true })).data;
    expect((await t.stripe.billingPortal.sessions.create({ customer })).configuration).toBe(fallback?.id);

    const configuration = await switchingConfiguration('none');
    const session = await t.stripe.billingPortal.sessions.create({
      customer,
      configuration: configuration.id,
      expand: ['configuration'],
    });
    expect(session.configuration).toMatchObject({ id: configuration.id, object: 'billing_portal.configuration' });
    // The page obeys it: plans to switch to, and no cancel button since cancelling is off.
    const html = await (await fetch(session.url)).text();
    expect(html).toContain('Update plan');
    expect(html).not.toContain('Cancel subscription');

    expect(
      await stripeError(t.stripe.billingPortal.sessions.create({ customer, configuration: 'bpc_nope' })),
    ).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      param: 'configuration',
      message: "No such configuration: 'bpc_nope'",
    });
  });

  it('validate flow_data and return it as the session flow', async () => {
    const subscription = await subscribe(t);
    const customer = String(subscription.customer);
    const item = subscription.items.data[0];
    const cases: [Stripe.BillingPortal.SessionCreateParams.FlowData, Record<string, unknown>][] = [
      [{ type: 'subscription_update' }, { code: 'parameter_missing', param: 'flow_data[subscription_update]' }],
      [
        { type: 'subscription_cancel', subscription_cancel: { subscription: 'sub_nope' } },
        { code: 'resource_missing', param: 'flow_data[subscription_cancel][subscription]' },
      ],
      [
        {
          type: 'subscription_update',
          subscription_update: { subscription: subscription.id },
          after_completion: { type: 'redirect' },
        },
        { code: 'parameter_missing', param: 'flow_data[after_completion][redirect][return_url]' },
      ],
      [
        {
          type: 'subscription_update_confirm',
          subscription_update_confirm: {
            subscription: subscription.id,
            items: [{ id: String(item?.id), price: 'price_nope' }],
          },
        },
        { param: 'flow_data[subscription_update_confirm][items][0][price]' },
      ],
    ];
    for (const [flowData, expected] of cases) {
      const error = await stripeError(t.stripe.billingPortal.sessions.create({ customer, flow_data: flowData }));
      expect(error, JSON.stringify(flowData)).toMatchObject({ statusCode: 400, ...expected });
    }
    const other = await subscribe(t, { customer_email: 'someone-else@example.com' });
    expect(
      await stripeError(
        t.stripe.billingPortal.sessions.create({
          customer,
          flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: other.id } },
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: 'flow_data[subscription_cancel][subscription]' });

    const session = await t.stripe.billingPortal.sessions.create({
      customer,
      flow_data: {
        type: 'subscription_update',
        subscription_update: { subscription: subscription.id },
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'All set' } },
      },
    });
    expect(session.flow).toEqual({
      type: 'subscription_update',
      after_completion: {
        type: 'hosted_confirmation',
        hosted_confirmation: { custom_message: 'All set' },
        redirect: null,
      },
      customer_update: null,
      subscription_cancel: null,
      subscription_pause: null,
      subscription_update: { subscription: subscription.id },
      subscription_update_confirm: null,
    });
  });

  it('switches plan on the page with the configuration proration, sending the events of an API update', async () => {
    const configuration = await switchingConfiguration('always_invoice');
    const viaPage = await subscribe(t);
    const viaApi = await subscribe(t);
    const returnUrl = 'http://app.test/account?switched=1';
    const session = await t.stripe.billingPortal.sessions.create({
      customer: String(viaPage.customer),
      configuration: configuration.id,
      flow_data: {
        type: 'subscription_update_confirm',
        subscription_update_confirm: {
          subscription: viaPage.id,
          items: [{ id: String(viaPage.items.data[0]?.id), price: PRO_YEARLY }],
        },
        after_completion: { type: 'redirect', redirect: { return_url: returnUrl } },
      },
    });
    const page = await (await fetch(session.url)).text();
    expect(page).toContain('Confirm your new plan');
    expect(page).toContain('$290.00 / year');

    const pageMarker = await latestEventId(t.stripe);
    const response = await submitForm(`${session.url}/update`, { subscription: viaPage.id, price: PRO_YEARLY });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(returnUrl);
    const pageEvents = await eventsSince(t.stripe, pageMarker);

    const apiMarker = await latestEventId(t.stripe);
    await t.stripe.subscriptions.update(viaApi.id, {
      items: [{ id: String(viaApi.items.data[0]?.id), price: PRO_YEARLY }],
      proration_behavior: 'always_invoice',
    });
    const apiEvents = await eventsSince(t.stripe, apiMarker);

    expect(pageEvents.map((event) => event.type)).toEqual(apiEvents.map((event) => event.type));
    expect(pageEvents.map((event) => event.type)).toContain('customer.subscription.updated');
    expect(pageEvents.map((event) => event.type)).toContain('invoice.paid');
    const switched = await t.stripe.subscriptions.retrieve(viaPage.id);
    expect(switched.items.data[0]?.price.id).toBe(PRO_YEARLY);
    const invoice = await t.stripe.invoices.retrieve(String(switched.latest_invoice));
    expect(invoice.billing_reason).toBe('subscription_update');
    // The flow is done: the page is the portal's home from then on.
    expect(await (await fetch(session.url)).text()).toContain('Your subscriptions');
  });

  it('cancels on the page in the configuration mode, and refuses a price the configuration does not offer', async () => {
    const configuration = await switchingConfiguration('none', { enabled: true, mode: 'immediately' });
    const subscription = await subscribe(t);
    const session = await t.stripe.billingPortal.sessions.create({
      customer: String(subscription.customer),
      configuration: configuration.id,
    });
    const refused = await submitForm(`${session.url}/update`, { subscription: subscription.id, price: 'price_nope' });
    expect(refused.status).toBe(400);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.price.id).toBe(PRO);

    const marker = await latestEventId(t.stripe);
    const cancelled = await submitForm(`${session.url}/cancel`, { subscription: subscription.id });
    expect(cancelled.status).toBe(303);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
    expect((await eventsSince(t.stripe, marker)).map((event) => event.type)).toEqual(['customer.subscription.deleted']);
  });
});

describe('cancel_at on subscription updates', () => {
  it('sets the end, clears it with "", and ends the subscription when the clock passes it', async () => {
    const subscription = await subscribe(t);
    const periodEnd = Number(subscription.items.data[0]?.current_period_end);
    const cancelAt = periodEnd - 10 * DAY;

    const marker = await latestEventId(t.stripe);
    const scheduled = await t.stripe.subscriptions.update(subscription.id, {
      cancel_at: cancelAt,
      proration_behavior: 'none',
    });
    expect(scheduled).toMatchObject({ cancel_at: cancelAt, cancel_at_period_end: false, status: 'active' });
    const [updated] = await eventsSince(t.stripe, marker);
    expect(updated?.type).toBe('customer.subscription.updated');
    expect(updated?.data.previous_attributes).toMatchObject({ cancel_at: null });

    const restored = await t.stripe.subscriptions.update(subscription.id, { cancel_at: '' });
    expect(restored).toMatchObject({ cancel_at: null, cancel_at_period_end: false, canceled_at: null });

    const atPeriodEnd = await t.stripe.subscriptions.update(subscription.id, { cancel_at: 'min_period_end' });
    expect(atPeriodEnd.cancel_at).toBe(periodEnd);

    await t.stripe.subscriptions.update(subscription.id, { cancel_at: cancelAt, proration_behavior: 'none' });
    await t.emulator.advanceClock(periodEnd - 5 * DAY - t.emulator.now());
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: cancelAt });
  });

  it('refuses cancel_at together with cancel_at_period_end, with Stripe message', async () => {
    const subscription = await subscribe(t);
    expect(
      await stripeError(t.stripe.subscriptions.update(subscription.id, { cancel_at: '', cancel_at_period_end: false })),
    ).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      message: 'Received both cancel_at_period_end and cancel_at parameters. Please pass in only one.',
    });
  });
});
