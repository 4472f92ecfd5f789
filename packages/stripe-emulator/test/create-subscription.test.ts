import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, eventsSince, latestEventId, stripeError } from './helpers';

const t = emulatorForFile();
const DAY = 24 * 60 * 60;

async function newCustomer(): Promise<Stripe.Customer> {
  return t.stripe.customers.create({ email: 'direct@example.com' });
}

describe('POST /v1/subscriptions', () => {
  it('starts an active, paid subscription with the items, metadata and payment method given', async () => {
    const customer = await newCustomer();
    const marker = await latestEventId(t.stripe);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_1ABC123XYZ', quantity: 2 }],
      default_payment_method: 'pm_card_visa',
      metadata: { plan: 'pro' },
      expand: ['latest_invoice'],
    });
    expect(subscription).toMatchObject({
      object: 'subscription',
      customer: customer.id,
      status: 'active',
      default_payment_method: 'pm_card_visa',
      metadata: { plan: 'pro' },
    });
    expect(subscription.items.data).toMatchObject([{ price: { id: 'price_1ABC123XYZ' }, quantity: 2 }]);
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 5800, billing_reason: 'subscription_create' });
    const types = (await eventsSince(t.stripe, marker)).map((event) => event.type);
    expect(types).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);

    // Its items and its invoice's lines, through their own list endpoints.
    const items = await t.stripe.subscriptionItems.list({ subscription: subscription.id });
    expect(items.data.map((item) => item.id)).toEqual(subscription.items.data.map((item) => item.id));
    const item = await t.stripe.subscriptionItems.retrieve(items.data[0]?.id ?? '');
    expect(item).toMatchObject({ object: 'subscription_item', subscription: subscription.id, quantity: 2 });
    const lines = await t.stripe.invoices.listLineItems(invoice.id ?? '');
    expect(lines).toMatchObject({ object: 'list', has_more: false, url: `/v1/invoices/${invoice.id}/lines` });
    expect(lines.data.map((line) => line.amount)).toEqual([5800]);
  });

  it('default_incomplete leaves the first invoice open until it is paid, then the subscription is active', async () => {
    const customer = await newCustomer();
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_starter_monthly' }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice'],
    });
    expect(subscription.status).toBe('incomplete');
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'open', amount_paid: 0, amount_due: 900 });

    const marker = await latestEventId(t.stripe);
    const paid = await t.stripe.invoices.pay(invoice.id ?? '');
    expect(paid.status).toBe('paid');
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual([
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ]);
    expect(events[2]?.data.previous_attributes).toMatchObject({ status: 'incomplete' });
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    const again = await stripeError(t.stripe.invoices.pay(invoice.id ?? ''));
    expect(again).toMatchObject({ statusCode: 400, message: 'Invoice is already paid.' });
  });

  it('a declining test card: incomplete under allow_incomplete, a 402 and nothing created under error_if_incomplete', async () => {
    const customer = await newCustomer();
    const incomplete = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_starter_monthly' }],
      default_payment_method: 'pm_card_chargeDeclined',
      expand: ['latest_invoice'],
    });
    expect(incomplete.status).toBe('incomplete');
    expect((incomplete.latest_invoice as Stripe.Invoice).status).toBe('open');

    const marker = await latestEventId(t.stripe);
    const declined = await stripeError(
      t.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: 'price_starter_monthly' }],
        default_payment_method: 'pm_card_chargeDeclined',
        payment_behavior: 'error_if_incomplete',
      }),
    );
    expect(declined).toMatchObject({ statusCode: 402, type: 'StripeCardError', code: 'card_declined' });
    expect(await eventsSince(t.stripe, marker)).toEqual([]);
  });

  it('trials: trial_period_days and trial_end start trialing with a free invoice; the clock ends the trial', async () => {
    const customer = await newCustomer();
    const before = t.emulator.now();
    const trialing = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_1ABC123XYZ' }],
      trial_period_days: 7,
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice'],
    });
    const now = t.emulator.now();
    // The clock follows the wall clock: the trial started between these two readings.
    const started = trialing.trial_start ?? 0;
    expect(started).toBeGreaterThanOrEqual(before);
    expect(started).toBeLessThanOrEqual(now);
    expect(trialing).toMatchObject({ status: 'trialing', trial_end: started + 7 * DAY });
    expect(trialing.items.data[0]?.current_period_end).toBe(started + 7 * DAY);
    expect(trialing.latest_invoice).toMatchObject({ status: 'paid', amount_due: 0 });

    const until = now + 3 * DAY;
    const dated = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_1ABC123XYZ' }],
      trial_end: until,
    });
    expect(dated).toMatchObject({ status: 'trialing', trial_end: until });
    const none = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: 'price_1ABC123XYZ' }],
      trial_end: 'now',
    });
    expect(none.status).toBe('active');

    await t.emulator.advanceClock(8 * DAY);
    const ended = await t.stripe.subscriptions.retrieve(trialing.id, { expand: ['latest_invoice'] });
    expect(ended.status).toBe('active');
    expect(ended.latest_invoice).toMatchObject({
      status: 'paid',
      amount_paid: 2900,
      billing_reason: 'subscription_cycle',
    });
  });

  it('refuses bad input with Stripe’s errors and creates nothing', async () => {
    const customer = await newCustomer();
    const marker = await latestEventId(t.stripe);
    const cases: [Promise<unknown>, Partial<Stripe.errors.StripeError>][] = [
      [
        t.stripe.subscriptions.create({ customer: 'cus_nope', items: [{ price: 'price_1ABC123XYZ' }] }),
        { statusCode: 400, code: 'resource_missing', param: 'customer' },
      ],
      [t.stripe.subscriptions.create({ customer: customer.id }), { code: 'parameter_missing', param: 'items' }],
      [
        t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_nope' }] }),
        { code: 'resource_missing', param: 'items[0][price]' },
      ],
      [
        t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_one_time_setup' }] }),
        { param: 'items[0][price]' },
      ],
      [
        t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_legacy_inactive' }] }),
        { param: 'items[0][price]' },
      ],
      [
        t.stripe.subscriptions.create({
          customer: customer.id,
          items: [{ price: 'price_1ABC123XYZ' }],
          payment_behavior: 'pending_if_incomplete',
        }),
        { param: 'payment_behavior' },
      ],
      [
        t.stripe.subscriptions.create({
          customer: customer.id,
          items: [{ price: 'price_1ABC123XYZ' }],
          trial_end: t.emulator.now() - 10,
        }),
        { param: 'trial_end' },
      ],
      [
        t.stripe.subscriptions.create({
          customer: customer.id,
          items: [{ price: 'price_1ABC123XYZ' }],
          trial_end: t.emulator.now() + DAY,
          trial_period_days: 3,
        }),
        { param: 'trial_end' },
      ],
    ];
    for (const [call, expected] of cases) expect(await stripeError(call)).toMatchObject(expected);
    expect(await eventsSince(t.stripe, marker)).toEqual([]);

    const items = await stripeError(t.stripe.subscriptionItems.list({} as { subscription: string }));
    expect(items).toMatchObject({ code: 'parameter_missing', param: 'subscription' });
    const item = await stripeError(t.stripe.subscriptionItems.retrieve('si_nope'));
    expect(item).toMatchObject({ statusCode: 404, message: "No such subscription item: 'si_nope'" });
    const lines = await stripeError(t.stripe.invoices.listLineItems('in_nope'));
    expect(lines).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});
