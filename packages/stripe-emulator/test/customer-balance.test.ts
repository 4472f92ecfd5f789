import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();

const DAY = 86_400;
const STARTER = 'price_starter_monthly';
const PRO = 'price_1ABC123XYZ';

function itemOf(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = subscription.items.data[0];
  if (!item) throw new Error('no item');
  return item;
}

async function balanceOf(customerId: string): Promise<number> {
  const customer = (await t.stripe.customers.retrieve(customerId)) as Stripe.Customer;
  return customer.balance;
}

/** Moves the clock past the subscription's period end, so it renews, and returns the renewal invoice. */
async function renew(subscription: Stripe.Subscription): Promise<Stripe.Invoice> {
  const current = await t.stripe.subscriptions.retrieve(subscription.id);
  await t.emulator.advanceClock(itemOf(current).current_period_end - t.emulator.now() + 60);
  const renewed = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
  const invoice = renewed.latest_invoice as Stripe.Invoice;
  expect(invoice.billing_reason).toBe('subscription_cycle');
  return invoice;
}

describe('the customer balance on invoices', () => {
  it('applies a credit note credit to the next renewal at finalization', async () => {
    const subscription = await subscribe(t, { line_items: [{ price: STARTER, quantity: 1 }] });
    const customerId = subscription.customer as string;
    const first = await t.stripe.invoices.retrieve(subscription.latest_invoice as string);
    await t.stripe.creditNotes.create({ invoice: first.id, amount: 500, credit_amount: 500 });
    expect(await balanceOf(customerId)).toBe(-500);

    const marker = await latestEventId(t.stripe);
    const renewal = await renew(subscription);
    expect(renewal).toMatchObject({
      status: 'paid',
      total: 900,
      starting_balance: -500,
      amount_due: 400,
      amount_paid: 400,
      amount_remaining: 0,
      ending_balance: 0,
    });
    expect(await balanceOf(customerId)).toBe(0);
    const events = await eventsSince(t.stripe, marker);
    const balanceUpdate = events.find((event) => event.type === 'customer.updated');
    if (!balanceUpdate) throw new Error('no customer.updated event for the balance');
    expect(balanceUpdate.data.previous_attributes).toEqual({ balance: -500 });
    expect((balanceUpdate.data.object as Stripe.Customer).balance).toBe(0);
    expect(events.map((event) => event.type).slice(-4)).toEqual([
      'invoice.finalized',
      'customer.updated',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('keeps amount_due at 0 for a negative total and leaves the credit on the balance for the next invoice', async () => {
    const subscription = await subscribe(t, { line_items: [{ price: PRO, quantity: 1 }] });
    const customerId = subscription.customer as string;
    await t.emulator.advanceClock(10 * DAY);
    const downgraded = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemOf(subscription).id, price: STARTER }],
      proration_behavior: 'always_invoice',
      expand: ['latest_invoice'],
    });
    const credit = downgraded.latest_invoice as Stripe.Invoice;
    expect(credit.total).toBeLessThan(0);
    expect(credit).toMatchObject({
      status: 'paid',
      starting_balance: 0,
      amount_due: 0,
      amount_paid: 0,
      amount_remaining: 0,
      ending_balance: credit.total,
    });
    expect(await balanceOf(customerId)).toBe(credit.total);

    const renewal = await renew(subscription);
    const owed = 900 + credit.total;
    expect(renewal).toMatchObject({
      total: 900,
      starting_balance: credit.total,
      amount_due: Math.max(0, owed),
      ending_balance: Math.min(0, owed),
    });
    expect(await balanceOf(customerId)).toBe(Math.min(0, owed));
  });
});
