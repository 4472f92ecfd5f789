import { describe, expect, it } from 'vitest';
import {
  completeSession,
  createSubscriptionSession,
  emulatorForFile,
  eventsSince,
  latestEventId,
  stripeError,
} from './helpers';

const t = emulatorForFile();

describe('deleting a customer', () => {
  it('answers the deleted customer, which is still retrieved but refused everywhere else', async () => {
    const customer = await t.stripe.customers.create({ email: 'gone@example.com' });

    expect(await t.stripe.customers.del(customer.id)).toMatchObject({
      id: customer.id,
      object: 'customer',
      deleted: true,
    });
    const retrieved = await t.stripe.customers.retrieve(customer.id);
    expect({ ...retrieved }).toEqual({ id: customer.id, object: 'customer', deleted: true });

    const message = `No such customer: '${customer.id}'`;
    const update = await stripeError(t.stripe.customers.update(customer.id, { name: 'Ada' }));
    expect(update).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id', message });
    const again = await stripeError(t.stripe.customers.del(customer.id));
    expect(again).toMatchObject({ statusCode: 404, code: 'resource_missing', message });
    const checkout = await stripeError(
      createSubscriptionSession(t.stripe, { customer: customer.id, customer_email: undefined }),
    );
    expect(checkout).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer', message });
    const portal = await stripeError(t.stripe.billingPortal.sessions.create({ customer: customer.id }));
    expect(portal).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer', message });

    const listed = await t.stripe.customers.list({ email: 'gone@example.com' });
    expect(listed.data.map((entry) => entry.id)).not.toContain(customer.id);
  });

  it('cancels its subscriptions first, then emits customer.deleted', async () => {
    const customer = await t.stripe.customers.create({ email: 'subscribed@example.com' });
    const session = await createSubscriptionSession(t.stripe, { customer: customer.id, customer_email: undefined });
    await completeSession(t.emulator, session.id);
    const [subscription] = (await t.stripe.subscriptions.list({ customer: customer.id })).data;
    if (!subscription) throw new Error('the completed session made no subscription');
    const since = await latestEventId(t.stripe);

    await t.stripe.customers.del(customer.id);

    const events = await eventsSince(t.stripe, since);
    expect(events.map((event) => [event.type, (event.data.object as { id: string }).id])).toEqual([
      ['customer.subscription.deleted', subscription.id],
      ['customer.deleted', customer.id],
    ]);
    expect(events[1]?.data.object).toMatchObject({ id: customer.id, email: 'subscribed@example.com' });
    expect(await t.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      ended_at: expect.any(Number),
    });
  });
});
