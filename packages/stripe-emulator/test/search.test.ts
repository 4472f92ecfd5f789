import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, stripeError, subscribe } from './helpers';

const t = emulatorForFile();

describe('GET /v1/customers/search', () => {
  it('matches email exactly (case-insensitive), metadata, negation and OR, in Stripe’s search_result shape', async () => {
    const tag = `run${Date.now()}`;
    const ada = await t.stripe.customers.create({
      email: `ada.${tag}@example.com`,
      name: 'Ada Lovelace',
      metadata: { tag, customerType: 'user' },
    });
    const org = await t.stripe.customers.create({
      email: `ada.${tag}@example.com`,
      name: 'Analytical Engines',
      metadata: { tag, customerType: 'organization' },
    });
    const grace = await t.stripe.customers.create({ email: `grace.${tag}@example.com`, metadata: { tag } });

    const byEmail = await t.stripe.customers.search({ query: `email:"ADA.${tag}@example.com"` });
    expect(byEmail).toMatchObject({
      object: 'search_result',
      has_more: false,
      next_page: null,
      url: '/v1/customers/search',
    });
    expect(byEmail.data.map((customer) => customer.id)).toEqual([org.id, ada.id]);

    // better-auth's query: the user's own customer, never an organization's.
    const own = await t.stripe.customers.search({
      query: `email:"ada.${tag}@example.com" AND -metadata["customerType"]:"organization"`,
      limit: 1,
    });
    expect(own.data.map((customer) => customer.id)).toEqual([ada.id]);

    const either = await t.stripe.customers.search({ query: `name~"lovelace" OR email:'grace.${tag}@example.com'` });
    expect(either.data.map((customer) => customer.id)).toEqual([grace.id, ada.id]);

    const recent = await t.stripe.customers.search({
      query: `metadata['tag']:'${tag}' AND created>=${ada.created}`,
    });
    expect(recent.data).toHaveLength(3);
  });

  it('pages with next_page, which the SDK follows', async () => {
    const tag = `page${Date.now()}`;
    const created: string[] = [];
    for (let index = 0; index < 5; index++) {
      created.push((await t.stripe.customers.create({ metadata: { tag } })).id);
    }
    const first = await t.stripe.customers.search({ query: `metadata["tag"]:"${tag}"`, limit: 2 });
    expect(first.has_more).toBe(true);
    expect(first.next_page).toEqual(expect.any(String));
    const all: string[] = [];
    for await (const customer of t.stripe.customers.search({ query: `metadata["tag"]:"${tag}"`, limit: 2 })) {
      all.push(customer.id);
    }
    expect(all).toEqual(created.reverse());
  });

  it('refuses queries outside the supported language with a 400 on `query`', async () => {
    for (const query of [
      'nickname:"x"',
      'email:ada@example.com',
      'email:"a" AND name:"b" OR phone:"c"',
      'name~"ab"',
      'created>"yesterday"',
    ]) {
      const error = await stripeError(t.stripe.customers.search({ query }));
      expect(error, query).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'query' });
    }
    const missing = await stripeError(t.stripe.customers.search({} as Stripe.CustomerSearchParams));
    expect(missing).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'query' });
  });
});

describe('GET /v1/subscriptions/search', () => {
  it('finds subscriptions by status and metadata, canceled ones included', async () => {
    const tag = `sub${Date.now()}`;
    const kept = await subscribe(t, { subscription_data: { metadata: { tag } } });
    const ended = await subscribe(t, { subscription_data: { metadata: { tag } } });
    await t.stripe.subscriptions.cancel(ended.id);

    const active = await t.stripe.subscriptions.search({ query: `status:"active" AND metadata["tag"]:"${tag}"` });
    expect(active.data.map((subscription) => subscription.id)).toEqual([kept.id]);
    const canceled = await t.stripe.subscriptions.search({
      query: `status:"canceled" AND metadata["tag"]:"${tag}"`,
      expand: ['data.customer'],
    });
    expect(canceled.data.map((subscription) => subscription.id)).toEqual([ended.id]);
    expect(canceled.data[0]?.customer).toMatchObject({ object: 'customer' });

    const error = await stripeError(t.stripe.subscriptions.search({ query: 'email:"ada@example.com"' }));
    expect(error).toMatchObject({ statusCode: 400, param: 'query' });
    expect(error.message).toContain('unsupported search field');
  });
});

describe('GET /v1/invoices/search, /v1/prices/search and /v1/products/search', () => {
  it('finds invoices by subscription, total and status', async () => {
    const subscription = await subscribe(t);
    const byTotal = await t.stripe.invoices.search({
      query: `subscription:"${subscription.id}" AND total>999 AND status:"paid"`,
    });
    expect(byTotal).toMatchObject({ object: 'search_result', url: '/v1/invoices/search' });
    expect(byTotal.data.map((invoice) => invoice.id)).toEqual([subscription.latest_invoice]);
    const tooDear = await t.stripe.invoices.search({ query: `subscription:"${subscription.id}" AND total>999999` });
    expect(tooDear.data).toEqual([]);
  });

  it('finds prices and products by their fields and metadata, booleans quoted', async () => {
    const tag = `catalog${Date.now()}`;
    const product = await t.stripe.products.create({ name: `Gadget ${tag}`, metadata: { tag } });
    const archived = await t.stripe.products.create({ name: `Gizmo ${tag}`, active: false, metadata: { tag } });
    const price = await t.stripe.prices.create({
      product: product.id,
      unit_amount: 700,
      currency: 'eur',
      metadata: { tag },
    });
    const products = await t.stripe.products.search({ query: `active:"true" AND metadata["tag"]:"${tag}"` });
    expect(products).toMatchObject({ object: 'search_result', url: '/v1/products/search' });
    expect(products.data.map((found) => found.id)).toEqual([product.id]);
    const byName = await t.stripe.products.search({ query: `name~"${tag}"` });
    expect(byName.data.map((found) => found.id)).toEqual([archived.id, product.id]);
    const prices = await t.stripe.prices.search({
      query: `product:"${product.id}" AND currency:"eur" AND type:"one_time"`,
    });
    expect(prices.data.map((found) => found.id)).toEqual([price.id]);
    const error = await stripeError(t.stripe.prices.search({ query: 'unit_amount>5' }));
    expect(error).toMatchObject({ statusCode: 400, param: 'query' });
  });
});
