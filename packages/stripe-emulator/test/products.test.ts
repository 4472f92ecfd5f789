import { describe, expect, it } from 'vitest';
import { emulatorForFile, eventsSince, latestEventId, stripeError } from './helpers';

const t = emulatorForFile();

describe('product default_price', () => {
  it('seeds each catalog product with its first active price as default_price, expandable', async () => {
    const pro = await t.stripe.products.retrieve('prod_pro', { expand: ['default_price'] });
    expect(pro.default_price).toMatchObject({ object: 'price', id: 'price_1ABC123XYZ' });
    const starter = await t.stripe.products.retrieve('prod_starter');
    expect(starter.default_price).toBe('price_starter_monthly');
  });

  it('creates the default price from default_price_data: product.created, then price.created', async () => {
    const marker = await latestEventId(t.stripe);
    const product = await t.stripe.products.create({
      name: 'Team',
      default_price_data: { currency: 'usd', unit_amount: 4900, recurring: { interval: 'month' } },
    });
    expect(product.default_price).toMatch(/^price_/);
    const price = await t.stripe.prices.retrieve(product.default_price as string);
    expect(price).toMatchObject({
      product: product.id,
      unit_amount: 4900,
      currency: 'usd',
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 1 },
      active: true,
    });
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual(['product.created', 'price.created']);
    expect(events[0]?.data.object).toMatchObject({ default_price: price.id });
  });

  it('refuses bad default_price_data without creating anything', async () => {
    const marker = await latestEventId(t.stripe);
    const missing = await stripeError(
      t.stripe.products.create({ name: 'Broken', default_price_data: { currency: 'usd' } }),
    );
    expect(missing).toMatchObject({ statusCode: 400, param: 'default_price_data[unit_amount]' });
    const interval = await stripeError(
      t.stripe.products.create({
        name: 'Broken',
        default_price_data: {
          currency: 'usd',
          unit_amount: 100,
          recurring: { interval: 'fortnight' as 'month' },
        },
      }),
    );
    expect(interval).toMatchObject({ statusCode: 400, param: 'default_price_data[recurring][interval]' });
    expect(await eventsSince(t.stripe, marker)).toEqual([]);
  });

  it('sets default_price on update to one of its own active prices only, and keeps it from being archived', async () => {
    const product = await t.stripe.products.create({
      name: 'Switchable',
      default_price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } },
    });
    const yearly = await t.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 10000,
      recurring: { interval: 'year' },
    });
    const marker = await latestEventId(t.stripe);
    const updated = await t.stripe.products.update(product.id, { default_price: yearly.id });
    expect(updated.default_price).toBe(yearly.id);
    const [event] = await eventsSince(t.stripe, marker);
    expect(event).toMatchObject({
      type: 'product.updated',
      data: { previous_attributes: { default_price: product.default_price } },
    });

    const foreign = await stripeError(t.stripe.products.update(product.id, { default_price: 'price_1ABC123XYZ' }));
    expect(foreign).toMatchObject({ statusCode: 400, param: 'default_price' });
    const missing = await stripeError(t.stripe.products.update(product.id, { default_price: 'price_nope' }));
    expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'default_price' });

    const archive = await stripeError(t.stripe.prices.update(yearly.id, { active: false }));
    expect(archive).toMatchObject({ statusCode: 400, param: 'active' });
    const old = await t.stripe.prices.update(product.default_price as string, { active: false });
    expect(old.active).toBe(false);
    const archived = await stripeError(t.stripe.products.update(product.id, { default_price: old.id }));
    expect(archived).toMatchObject({ statusCode: 400, param: 'default_price' });
  });
});

describe('DELETE /v1/products/:id', () => {
  it('deletes a product that never had a price, with product.deleted, and then answers 404 for it', async () => {
    const product = await t.stripe.products.create({ name: 'Short-lived' });
    const marker = await latestEventId(t.stripe);
    expect(await t.stripe.products.del(product.id)).toEqual({ id: product.id, object: 'product', deleted: true });
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual(['product.deleted']);
    expect(events[0]?.data.object).toMatchObject({ id: product.id, object: 'product' });
    const missing = await stripeError(t.stripe.products.retrieve(product.id));
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('refuses a product with prices, even archived ones, as Stripe does, and keeps it', async () => {
    const product = await t.stripe.products.create({ name: 'Priced' });
    const price = await t.stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'usd' });
    await t.stripe.prices.update(price.id, { active: false });
    const refused = await stripeError(t.stripe.products.del(product.id));
    expect(refused).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      message: 'This product cannot be deleted because it has one or more user-created prices.',
    });
    expect((await t.stripe.products.retrieve(product.id)).id).toBe(product.id);
  });
});
