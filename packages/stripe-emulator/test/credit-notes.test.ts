import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();

async function paidInvoice(): Promise<Stripe.Invoice> {
  const subscription = await subscribe(t);
  const invoice = await t.stripe.invoices.retrieve(subscription.latest_invoice as string);
  expect(invoice.status).toBe('paid');
  return invoice;
}

describe('credit notes', () => {
  it('credits a paid invoice to the customer balance, with credit_note.created then customer.updated', async () => {
    const invoice = await paidInvoice();
    const since = await latestEventId(t.stripe);
    const note = await t.stripe.creditNotes.create({
      invoice: invoice.id,
      amount: invoice.amount_paid,
      credit_amount: invoice.amount_paid,
      reason: 'duplicate',
    });
    expect(note).toMatchObject({
      object: 'credit_note',
      invoice: invoice.id,
      customer: invoice.customer,
      total: invoice.amount_paid,
      pre_payment_amount: 0,
      post_payment_amount: invoice.amount_paid,
      type: 'post_payment',
      status: 'issued',
      reason: 'duplicate',
      number: `${invoice.number}-CN-01`,
    });
    expect(note.id).toMatch(/^cn_/);
    expect(note.customer_balance_transaction).toMatch(/^cbtxn_/);

    const customer = (await t.stripe.customers.retrieve(invoice.customer as string)) as Stripe.Customer;
    expect(customer.balance).toBe(-invoice.amount_paid);
    const events = await eventsSince(t.stripe, since);
    expect(events.map((event) => event.type)).toEqual(['credit_note.created', 'customer.updated']);
    expect(events[1]?.data.previous_attributes).toEqual({ balance: 0 });
    expect((await t.stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount).toBe(invoice.amount_paid);

    expect((await t.stripe.creditNotes.list({ invoice: invoice.id })).data.map((listed) => listed.id)).toEqual([
      note.id,
    ]);
    expect((await t.stripe.creditNotes.retrieve(note.id)).id).toBe(note.id);
  });

  it('refuses more than is left to credit, and a split that does not add up to the amount', async () => {
    const invoice = await paidInvoice();
    await expect(
      t.stripe.creditNotes.create({ invoice: invoice.id, amount: invoice.amount_paid + 1, credit_amount: 1 }),
    ).rejects.toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'amount' });
    await expect(
      t.stripe.creditNotes.create({ invoice: invoice.id, amount: 100, credit_amount: 50 }),
    ).rejects.toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' });
    await expect(
      t.stripe.creditNotes.create({ invoice: 'in_missing', amount: 100, credit_amount: 100 }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'invoice' });
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const invoice = await paidInvoice();
    const params = { invoice: invoice.id, amount: 500, credit_amount: 500 };
    const first = await t.stripe.creditNotes.create(params, { idempotencyKey: `credit-${invoice.id}` });
    const again = await t.stripe.creditNotes.create(params, { idempotencyKey: `credit-${invoice.id}` });
    expect(again.id).toBe(first.id);
    expect((await t.stripe.creditNotes.list({ invoice: invoice.id })).data).toHaveLength(1);
  });
});

describe('GET /v1/credit_notes/:id/lines', () => {
  it('lists the lines at the url the credit note names, which an amount-only note has none of', async () => {
    const invoice = await paidInvoice();
    const note = await t.stripe.creditNotes.create({ invoice: invoice.id, amount: 100, credit_amount: 100 });
    const lines = await t.stripe.creditNotes.listLineItems(note.id, { limit: 3 });
    expect(lines).toMatchObject({ object: 'list', data: note.lines.data, has_more: false, url: note.lines.url });
    await expect(t.stripe.creditNotes.listLineItems('cn_missing')).rejects.toMatchObject({ statusCode: 404 });
  });
});
