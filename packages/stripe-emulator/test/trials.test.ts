import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  completeSession,
  createSubscriptionSession,
  emulatorForFile,
  eventsSince,
  latestEventId,
  subscribe,
} from './helpers';

const t = emulatorForFile();

const DAY = 86_400;

/** A trial checkout that collects no card and cancels the subscription if none is added. */
const TRIAL_WITHOUT_CARD = {
  payment_method_collection: 'if_required',
  subscription_data: { trial_period_days: 7, trial_settings: { end_behavior: { missing_payment_method: 'cancel' } } },
} satisfies Partial<Stripe.Checkout.SessionCreateParams>;

const typesOf = (events: Stripe.Event[], subscriptionId: string) =>
  events
    .filter(
      (event) => (event.data.object as { id?: string }).id === subscriptionId || event.type.startsWith('invoice.'),
    )
    .map((event) => event.type);

describe('free trials without a card', () => {
  it('records the choices on the session and asks for no card on the hosted page', async () => {
    const session = await createSubscriptionSession(t.stripe, TRIAL_WITHOUT_CARD);
    expect(session.payment_method_collection).toBe('if_required');
    const html = await (await fetch(session.url ?? '')).text();
    expect(html).toContain('7-day free trial, then $29.00 / month.');
    expect(html).toContain('No card needed to start the trial.');
    expect(html).toMatch(/<button type="submit">Start trial<\/button>/);
  });

  it('keeps asking for a card with the default collection, even with a trial', async () => {
    const session = await createSubscriptionSession(t.stripe, { subscription_data: { trial_period_days: 7 } });
    expect(session.payment_method_collection).toBe('always');
    const html = await (await fetch(session.url ?? '')).text();
    expect(html).not.toContain('No card needed');
  });

  it('completes with no_payment_required and a subscription without a payment method', async () => {
    const session = await createSubscriptionSession(t.stripe, TRIAL_WITHOUT_CARD);
    const completed = await completeSession(t.emulator, session.id);
    expect(completed.payment_status).toBe('no_payment_required');
    const subscription = await t.stripe.subscriptions.retrieve(String(completed.subscription));
    expect(subscription).toMatchObject({
      status: 'trialing',
      default_payment_method: null,
      trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
    });
  });

  it('cancels at trial_end when no card was added: customer.subscription.deleted, no invoice', async () => {
    const session = await createSubscriptionSession(t.stripe, TRIAL_WITHOUT_CARD);
    const completed = await completeSession(t.emulator, session.id);
    const subscription = await t.stripe.subscriptions.retrieve(String(completed.subscription));
    const trialEnd = subscription.trial_end ?? 0;
    const invoicesBefore = (await t.stripe.invoices.list({ subscription: subscription.id })).data.length;
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(trialEnd - t.emulator.now() + 60);
    expect(await t.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      ended_at: trialEnd,
    });
    expect((await t.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(invoicesBefore);
    expect(typesOf(await eventsSince(t.stripe, marker), subscription.id)).toEqual([
      'customer.subscription.trial_will_end',
      'customer.subscription.deleted',
    ]);
  });

  it('pauses at trial_end under missing_payment_method=pause', async () => {
    const session = await createSubscriptionSession(t.stripe, {
      payment_method_collection: 'if_required',
      subscription_data: {
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
      },
    });
    const completed = await completeSession(t.emulator, session.id);
    const id = String(completed.subscription);
    await t.emulator.advanceClock(7 * DAY + 60);
    expect((await t.stripe.subscriptions.retrieve(id)).status).toBe('paused');
  });

  it('refuses payment_method_collection outside subscription mode and an unknown end behavior', async () => {
    await expect(
      t.stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_one_time_setup', quantity: 1 }],
        payment_method_collection: 'if_required',
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'payment_method_collection' });
    await expect(
      createSubscriptionSession(t.stripe, {
        subscription_data: {
          trial_period_days: 7,
          trial_settings: { end_behavior: { missing_payment_method: 'explode' as 'cancel' } },
        },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'subscription_data[trial_settings][end_behavior][missing_payment_method]',
    });
  });
});

describe('trials that convert', () => {
  it('charges the card collected at checkout at trial_end: invoice paid, active', async () => {
    const subscription = await subscribe(t, {
      subscription_data: {
        trial_period_days: 7,
        trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
      },
    });
    expect(subscription.default_payment_method).toMatch(/^pm_/);
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(7 * DAY + 60);
    const converted = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(converted.status).toBe('active');
    expect((converted.latest_invoice as Stripe.Invoice).status).toBe('paid');
    expect(typesOf(await eventsSince(t.stripe, marker), subscription.id)).toEqual([
      'customer.subscription.trial_will_end',
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });
});

describe('customer.subscription.trial_will_end', () => {
  it('is sent once, when the clock passes three days before trial_end', async () => {
    const subscription = await subscribe(t, { subscription_data: { trial_period_days: 14 } });
    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(10 * DAY);
    expect(typesOf(await eventsSince(t.stripe, marker), subscription.id)).toEqual([]);
    await t.emulator.advanceClock(1 * DAY);
    await t.emulator.advanceClock(1 * DAY);
    expect(typesOf(await eventsSince(t.stripe, marker), subscription.id)).toEqual([
      'customer.subscription.trial_will_end',
    ]);
  });

  it('is sent at once for a trial of three days or less', async () => {
    const marker = await latestEventId(t.stripe);
    const subscription = await subscribe(t, { subscription_data: { trial_period_days: 2 } });
    const types = (await eventsSince(t.stripe, marker)).map((event) => event.type);
    expect(types).toContain('customer.subscription.trial_will_end');
    expect(types.indexOf('customer.subscription.trial_will_end')).toBeLessThan(
      types.indexOf('checkout.session.completed'),
    );
    const later = await latestEventId(t.stripe);
    await t.emulator.advanceClock(DAY);
    expect((await eventsSince(t.stripe, later)).map((event) => event.type)).not.toContain(
      'customer.subscription.trial_will_end',
    );
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('trialing');
  });
});
