import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { apiFetch, emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();

const DAY = 86_400;

/** A subscription whose renewal just failed: past_due, its renewal invoice open. */
async function failedRenewal(): Promise<Stripe.Subscription> {
  const subscription = await subscribe(t);
  const helper = await apiFetch(
    t.emulator,
    'POST',
    `/v1/test_helpers/subscriptions/${subscription.id}/fail_next_renewal`,
    '',
  );
  expect(helper.status).toBe(200);
  const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
  await t.emulator.advanceClock(periodEnd - t.emulator.now() + 1);
  return t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
}

/** Saves a card through the portal's payment method flow, as the customer would on the page. */
async function saveCard(customer: string, card: string): Promise<Response> {
  const session = await t.stripe.billingPortal.sessions.create({
    customer,
    return_url: 'http://app.test/dashboard',
    flow_data: {
      type: 'payment_method_update',
      after_completion: { type: 'redirect', redirect: { return_url: 'http://app.test/dashboard' } },
    },
  });
  const page = await (await fetch(session.url)).text();
  expect(page).toContain('Update your payment method');
  return fetch(`${session.url}/payment-method`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card }).toString(),
  });
}

const ofSubscription = (subscriptionId: string) => (event: Stripe.Event) => {
  const object = event.data.object as { id: string; parent?: Stripe.Invoice['parent'] };
  return object.id === subscriptionId || object.parent?.subscription_details?.subscription === subscriptionId;
};

describe('failed renewal payments', () => {
  it('are retried on schedule: declined while the card is unchanged, paid once a new card is saved', async () => {
    const pastDue = await failedRenewal();
    expect(pastDue.status).toBe('past_due');
    const invoice = pastDue.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1 });
    // Three days after the failed attempt, which came at or after the invoice was made and before now.
    const failedAt = (invoice.next_payment_attempt ?? 0) - 3 * DAY;
    expect(failedAt).toBeGreaterThanOrEqual(invoice.created);
    expect(failedAt).toBeLessThanOrEqual(t.emulator.now());

    // The first retry charges the same card, which still declines.
    await t.emulator.advanceClock(3 * DAY);
    const retried = await t.stripe.invoices.retrieve(invoice.id ?? '');
    expect(retried).toMatchObject({ status: 'open', attempt_count: 2 });
    expect((await t.stripe.subscriptions.retrieve(pastDue.id)).status).toBe('past_due');

    const customer = pastDue.customer as string;
    const saved = await saveCard(customer, '4242 4242 4242 4242');
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('http://app.test/dashboard');
    const updated = await t.stripe.customers.retrieve(customer);
    expect((updated as Stripe.Customer).invoice_settings.default_payment_method).toMatch(/^pm_/);
    // Saving a card charges nothing by itself: the invoice waits for its next scheduled attempt.
    expect((await t.stripe.invoices.retrieve(invoice.id ?? '')).status).toBe('open');

    const marker = await latestEventId(t.stripe);
    await t.emulator.advanceClock(3 * DAY);
    const paid = await t.stripe.invoices.retrieve(invoice.id ?? '');
    expect(paid).toMatchObject({ status: 'paid', attempt_count: 3, next_payment_attempt: null });
    expect((await t.stripe.subscriptions.retrieve(pastDue.id)).status).toBe('active');
    const events = (await eventsSince(t.stripe, marker)).filter(ofSubscription(pastDue.id));
    expect(events.map((event) => event.type)).toEqual([
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ]);
    expect(events[2]?.data.previous_attributes).toEqual({ status: 'past_due' });
  });

  it('refuse Stripe’s declining test card in the portal, changing nothing', async () => {
    const pastDue = await failedRenewal();
    const refused = await saveCard(pastDue.customer as string, '4000 0000 0000 0002');
    expect(refused.status).toBe(402);
    expect(await refused.text()).toContain('Your card was declined.');
    const customer = (await t.stripe.customers.retrieve(pastDue.customer as string)) as Stripe.Customer;
    expect(customer.invoice_settings.default_payment_method).toBeNull();
  });

  it('cancel the subscription when the last attempt fails', async () => {
    const pastDue = await failedRenewal();
    const marker = await latestEventId(t.stripe);
    for (let retry = 0; retry < 3; retry++) await t.emulator.advanceClock(3 * DAY);
    const invoice = await t.stripe.invoices.retrieve((pastDue.latest_invoice as Stripe.Invoice).id ?? '');
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 4, next_payment_attempt: null });
    const canceled = await t.stripe.subscriptions.retrieve(pastDue.id);
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'payment_failed' } });
    const types = (await eventsSince(t.stripe, marker)).filter(ofSubscription(pastDue.id)).map((e) => e.type);
    expect(types).toEqual([
      'invoice.payment_failed',
      'invoice.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.deleted',
    ]);
  });
});

describe('product marketing features', () => {
  it('are seeded for the catalog, set on create and replaced on update', async () => {
    const pro = await t.stripe.products.retrieve('prod_pro');
    expect(pro.marketing_features.map((feature) => feature.name)).toContain('Report export');
    const created = await t.stripe.products.create({ name: 'Team', marketing_features: [{ name: 'SSO' }] });
    expect(created.marketing_features).toEqual([{ name: 'SSO' }]);
    const updated = await t.stripe.products.update(created.id, {
      marketing_features: [{ name: 'SSO' }, { name: 'Audit log' }],
    });
    expect(updated.marketing_features).toEqual([{ name: 'SSO' }, { name: 'Audit log' }]);
    const tooMany = Array.from({ length: 16 }, (_, index) => ({ name: `Feature ${index}` }));
    await expect(t.stripe.products.update(created.id, { marketing_features: tooMany })).rejects.toMatchObject({
      param: 'marketing_features',
    });
  });
});
