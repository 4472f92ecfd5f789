import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_UNSUPPORTED } from '../src/strictness';
import { createSubscriptionSession, emulatorForFile } from './helpers';

/**
 * stripe-node's own stripe-mock examples, run against the emulator: the generated tests in
 * stripe/stripe-node `test/resources/generated_examples_test.spec.js` at commit
 * 663942164d3876f04bb26617b88f498ba785e580, for the resources the emulator serves. Each call is as
 * stripe-node wrote it (same method, same parameters); only stripe-mock's placeholder ids
 * (`cus_xxxxxxxxxxxxx`, `sess_xyz`, `Z4OV52SU`…) are replaced by real ones created first, because the
 * emulator, like Stripe, answers 404 for an object that does not exist.
 *
 * stripe-node only checks that an answer came back; here an example passes when it answers the object
 * Stripe's spec says it returns. An example the emulator cannot serve is kept with the exact refusal it
 * gets (a 400 `emulator_parameter_unsupported` naming the parameter, or Stripe's 404 for a URL it does
 * not route), counts as not passing, and fails the moment that refusal changes, so this table and the
 * README's figures are updated together.
 */

const t = emulatorForFile();

/** The real objects standing in for stripe-mock's placeholders; several examples delete or end theirs. */
interface Ids {
  customer: string;
  customerToDelete: string;
  product: string;
  productToDelete: string;
  price: string;
  /** A one-time price, for the payment-mode checkout example (Stripe refuses a recurring one there). */
  oneTimePrice: string;
  coupon: string;
  couponToDelete: string;
  promotionCode: string;
  subscription: string;
  subscriptionToCancel: string;
  subscriptionItem: string;
  paidInvoice: string;
  paidInvoiceLine: string;
  openInvoice: string;
  creditNote: string;
  checkoutSession: string;
  checkoutSessionToExpire: string;
  secondCheckoutSessionToExpire: string;
  portalConfiguration: string;
  schedule: string;
  scheduleToCancel: string;
  scheduleToRelease: string;
  clockAt123: string;
  clockAt2020: string;
  clockToDelete: string;
  secondClockToDelete: string;
  webhookEndpoint: string;
  webhookEndpointToDelete: string;
  event: string;
}

/** What the emulator answers instead of the object; the example then counts as not passing. */
type Refusal = { unsupported: string } | { unrouted: `${'GET' | 'POST' | 'DELETE'} /v1/${string}` };

interface Example {
  /** stripe-node's test name. */
  name: string;
  /** The `object` of the answer, per Stripe's spec. */
  object: string;
  call: (stripe: Stripe, ids: Ids) => Promise<unknown>;
  refused?: Refusal;
}

const EXAMPLES: Record<string, Example[]> = {
  customers: [
    {
      name: 'test_customers_delete',
      object: 'customer',
      call: (stripe, ids) => stripe.customers.del(ids.customerToDelete),
    },
    {
      name: 'test_customers_get',
      object: 'list',
      call: (stripe) => stripe.customers.list({ limit: 3 }),
    },
    {
      name: 'test_customers_get_2',
      object: 'list',
      call: (stripe) => stripe.customers.list({ limit: 3 }),
    },
    {
      name: 'test_customers_get_3',
      object: 'customer',
      call: (stripe, ids) => stripe.customers.retrieve(ids.customer),
    },
    {
      name: 'test_customers_post',
      object: 'customer',
      call: (stripe) =>
        stripe.customers.create({
          description: 'My First Test Customer (created for API docs at https://www.stripe.com/docs/api)',
        }),
    },
    {
      name: 'test_customers_post_2',
      object: 'customer',
      call: (stripe, ids) => stripe.customers.update(ids.customer, { metadata: { order_id: '6735' } }),
    },
  ],
  'customer search': [
    {
      name: 'test_customers_search_get',
      object: 'search_result',
      call: (stripe) => stripe.customers.search({ query: "name:'fakename' AND metadata['foo']:'bar'" }),
    },
    {
      name: 'test_customers_search_get_2',
      object: 'search_result',
      call: (stripe) => stripe.customers.search({ query: "name:'fakename' AND metadata['foo']:'bar'" }),
    },
  ],
  subscriptions: [
    {
      name: 'test_subscriptions_delete',
      object: 'subscription',
      call: (stripe, ids) => stripe.subscriptions.cancel(ids.subscriptionToCancel),
    },
    {
      name: 'test_subscriptions_discount_delete',
      object: 'discount',
      call: (stripe, ids) => stripe.subscriptions.deleteDiscount(ids.subscription),
      refused: { unrouted: 'DELETE /v1/subscriptions/:id/discount' },
    },
    {
      name: 'test_subscriptions_get',
      object: 'list',
      call: (stripe) => stripe.subscriptions.list({ limit: 3 }),
    },
    {
      name: 'test_subscriptions_get_2',
      object: 'subscription',
      call: (stripe, ids) => stripe.subscriptions.retrieve(ids.subscription),
    },
    {
      name: 'test_subscriptions_post',
      object: 'subscription',
      call: (stripe, ids) => stripe.subscriptions.create({ customer: ids.customer, items: [{ price: ids.price }] }),
    },
    {
      name: 'test_subscriptions_post_2',
      object: 'subscription',
      call: (stripe, ids) => stripe.subscriptions.update(ids.subscription, { metadata: { order_id: '6735' } }),
    },
  ],
  'subscription search': [
    {
      name: 'test_subscriptions_search_get',
      object: 'search_result',
      call: (stripe) => stripe.subscriptions.search({ query: "status:'active' AND metadata['order_id']:'6735'" }),
    },
  ],
  'subscription items': [
    {
      name: 'test_subscription_items_delete',
      object: 'subscription_item',
      call: (stripe, ids) => stripe.subscriptionItems.del(ids.subscriptionItem),
      refused: { unrouted: 'DELETE /v1/subscription_items/:id' },
    },
    {
      name: 'test_subscription_items_get',
      object: 'list',
      call: (stripe, ids) => stripe.subscriptionItems.list({ subscription: ids.subscription }),
    },
    {
      name: 'test_subscription_items_get_2',
      object: 'subscription_item',
      call: (stripe, ids) => stripe.subscriptionItems.retrieve(ids.subscriptionItem),
    },
    {
      name: 'test_subscription_items_post',
      object: 'subscription_item',
      call: (stripe, ids) =>
        stripe.subscriptionItems.create({ subscription: ids.subscription, price: ids.price, quantity: 2 }),
      refused: { unrouted: 'POST /v1/subscription_items' },
    },
    {
      name: 'test_subscription_items_post_2',
      object: 'subscription_item',
      call: (stripe, ids) => stripe.subscriptionItems.update(ids.subscriptionItem, { metadata: { order_id: '6735' } }),
    },
  ],
  invoices: [
    {
      name: 'test_invoices_delete',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.del(ids.openInvoice),
      refused: { unrouted: 'DELETE /v1/invoices/:id' },
    },
    {
      name: 'test_invoices_finalize_post',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.finalizeInvoice(ids.openInvoice),
      refused: { unrouted: 'POST /v1/invoices/:id/finalize' },
    },
    {
      name: 'test_invoices_get',
      object: 'list',
      call: (stripe) => stripe.invoices.list({ limit: 3 }),
    },
    {
      name: 'test_invoices_get_2',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.retrieve(ids.paidInvoice),
    },
    {
      name: 'test_invoices_get_3',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.retrieve(ids.paidInvoice, { expand: ['customer'] }),
    },
    {
      name: 'test_invoices_mark_uncollectible_post',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.markUncollectible(ids.openInvoice),
      refused: { unrouted: 'POST /v1/invoices/:id/mark_uncollectible' },
    },
    {
      name: 'test_invoices_pay_post',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.pay(ids.openInvoice),
    },
    {
      name: 'test_invoices_post',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.create({ customer: ids.customer }),
      refused: { unrouted: 'POST /v1/invoices' },
    },
    {
      name: 'test_invoices_post_2',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.update(ids.paidInvoice, { metadata: { order_id: '6735' } }),
    },
    {
      name: 'test_invoices_search_get',
      object: 'search_result',
      call: (stripe) => stripe.invoices.search({ query: "total>999 AND metadata['order_id']:'6735'" }),
    },
    {
      name: 'test_invoices_send_post',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.sendInvoice(ids.openInvoice),
      refused: { unrouted: 'POST /v1/invoices/:id/send' },
    },
    {
      name: 'test_invoices_void_post',
      object: 'invoice',
      call: (stripe, ids) => stripe.invoices.voidInvoice(ids.openInvoice),
      refused: { unrouted: 'POST /v1/invoices/:id/void' },
    },
  ],
  'checkout sessions': [
    {
      name: 'test_checkout_sessions_expire_post',
      object: 'checkout.session',
      call: (stripe, ids) => stripe.checkout.sessions.expire(ids.checkoutSessionToExpire),
    },
    {
      name: 'test_checkout_sessions_expire_post_2',
      object: 'checkout.session',
      call: (stripe, ids) => stripe.checkout.sessions.expire(ids.secondCheckoutSessionToExpire),
    },
    {
      name: 'test_checkout_sessions_get',
      object: 'list',
      call: (stripe) => stripe.checkout.sessions.list({ limit: 3 }),
    },
    {
      name: 'test_checkout_sessions_get_2',
      object: 'checkout.session',
      call: (stripe, ids) => stripe.checkout.sessions.retrieve(ids.checkoutSession),
    },
    {
      name: 'test_checkout_sessions_line_items_get',
      object: 'list',
      call: (stripe, ids) => stripe.checkout.sessions.listLineItems(ids.checkoutSession),
    },
    {
      name: 'test_checkout_sessions_post',
      object: 'checkout.session',
      call: (stripe) =>
        stripe.checkout.sessions.create({
          success_url: 'https://example.com/success',
          cancel_url: 'https://example.com/cancel',
          mode: 'payment',
          shipping_options: [
            { shipping_rate: 'shr_standard' },
            {
              shipping_rate_data: {
                display_name: 'Standard',
                delivery_estimate: { minimum: { unit: 'day', value: 5 }, maximum: { unit: 'day', value: 7 } },
              },
            },
          ],
        }),
      refused: { unsupported: 'shipping_options' },
    },
    {
      name: 'test_checkout_sessions_post_2',
      object: 'checkout.session',
      call: (stripe, ids) =>
        stripe.checkout.sessions.create({
          success_url: 'https://example.com/success',
          line_items: [{ price: ids.oneTimePrice, quantity: 2 }],
          mode: 'payment',
        }),
    },
  ],
  prices: [
    {
      name: 'test_prices_get',
      object: 'list',
      call: (stripe) => stripe.prices.list({ limit: 3 }),
    },
    {
      name: 'test_prices_get_2',
      object: 'price',
      call: (stripe, ids) => stripe.prices.retrieve(ids.price),
    },
    {
      name: 'test_prices_post',
      object: 'price',
      call: (stripe, ids) =>
        stripe.prices.create({
          unit_amount: 2000,
          currency: 'usd',
          currency_options: { uah: { unit_amount: 5000 }, eur: { unit_amount: 1800 } },
          recurring: { interval: 'month' },
          product: ids.product,
        }),
      refused: { unsupported: 'currency_options' },
    },
    {
      name: 'test_prices_post_2',
      object: 'price',
      call: (stripe, ids) =>
        stripe.prices.create({
          unit_amount: 2000,
          currency: 'usd',
          recurring: { interval: 'month' },
          product: ids.product,
        }),
    },
    {
      name: 'test_prices_post_3',
      object: 'price',
      call: (stripe, ids) => stripe.prices.update(ids.price, { metadata: { order_id: '6735' } }),
    },
    {
      name: 'test_prices_search_get',
      object: 'search_result',
      call: (stripe) => stripe.prices.search({ query: "active:'true' AND metadata['order_id']:'6735'" }),
    },
  ],
  products: [
    {
      name: 'test_products_delete',
      object: 'product',
      call: (stripe, ids) => stripe.products.del(ids.productToDelete),
    },
    {
      name: 'test_products_get',
      object: 'list',
      call: (stripe) => stripe.products.list({ limit: 3 }),
    },
    {
      name: 'test_products_get_2',
      object: 'product',
      call: (stripe, ids) => stripe.products.retrieve(ids.product),
    },
    {
      name: 'test_products_post',
      object: 'product',
      call: (stripe) => stripe.products.create({ name: 'Gold Special' }),
    },
    {
      name: 'test_products_post_2',
      object: 'product',
      call: (stripe, ids) => stripe.products.update(ids.product, { metadata: { order_id: '6735' } }),
    },
    {
      name: 'test_products_search_get',
      object: 'search_result',
      call: (stripe) => stripe.products.search({ query: "active:'true' AND metadata['order_id']:'6735'" }),
    },
  ],
  coupons: [
    {
      name: 'test_coupons_delete',
      object: 'coupon',
      call: (stripe, ids) => stripe.coupons.del(ids.couponToDelete),
    },
    {
      name: 'test_coupons_get',
      object: 'list',
      call: (stripe) => stripe.coupons.list({ limit: 3 }),
    },
    {
      name: 'test_coupons_get_2',
      object: 'coupon',
      call: (stripe, ids) => stripe.coupons.retrieve(ids.coupon),
    },
    {
      name: 'test_coupons_post',
      object: 'coupon',
      call: (stripe) => stripe.coupons.create({ percent_off: 25.5, duration: 'once' }),
    },
    {
      name: 'test_coupons_post_2',
      object: 'coupon',
      call: (stripe, ids) => stripe.coupons.update(ids.coupon, { metadata: { order_id: '6735' } }),
    },
  ],
  'promotion codes': [
    {
      name: 'test_promotion_codes_get',
      object: 'list',
      call: (stripe) => stripe.promotionCodes.list({ limit: 3 }),
    },
    {
      name: 'test_promotion_codes_get_2',
      object: 'promotion_code',
      call: (stripe, ids) => stripe.promotionCodes.retrieve(ids.promotionCode),
    },
    {
      name: 'test_promotion_codes_post',
      object: 'promotion_code',
      call: (stripe, ids) => stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: ids.coupon } }),
    },
    {
      name: 'test_promotion_codes_post_2',
      object: 'promotion_code',
      call: (stripe, ids) => stripe.promotionCodes.update(ids.promotionCode, { metadata: { order_id: '6735' } }),
    },
  ],
  'billing portal': [
    {
      name: 'test_billing_portal_configurations_get',
      object: 'list',
      call: (stripe) => stripe.billingPortal.configurations.list({ limit: 3 }),
    },
    {
      name: 'test_billing_portal_configurations_get_2',
      object: 'billing_portal.configuration',
      call: (stripe, ids) => stripe.billingPortal.configurations.retrieve(ids.portalConfiguration),
    },
    {
      name: 'test_billing_portal_configurations_post',
      object: 'billing_portal.configuration',
      call: (stripe) =>
        stripe.billingPortal.configurations.create({
          features: {
            customer_update: { allowed_updates: ['email', 'tax_id'], enabled: true },
            invoice_history: { enabled: true },
          },
          business_profile: {
            privacy_policy_url: 'https://example.com/privacy',
            terms_of_service_url: 'https://example.com/terms',
          },
        }),
    },
    {
      name: 'test_billing_portal_configurations_post_2',
      object: 'billing_portal.configuration',
      call: (stripe, ids) =>
        stripe.billingPortal.configurations.update(ids.portalConfiguration, {
          business_profile: {
            privacy_policy_url: 'https://example.com/privacy',
            terms_of_service_url: 'https://example.com/terms',
          },
        }),
    },
    {
      name: 'test_billing_portal_sessions_post',
      object: 'billing_portal.session',
      call: (stripe, ids) =>
        stripe.billingPortal.sessions.create({ customer: ids.customer, return_url: 'https://example.com/account' }),
    },
  ],
  'subscription schedules': [
    {
      name: 'test_subscription_schedules_cancel_post',
      object: 'subscription_schedule',
      call: (stripe, ids) => stripe.subscriptionSchedules.cancel(ids.scheduleToCancel),
    },
    {
      name: 'test_subscription_schedules_get',
      object: 'list',
      call: (stripe) => stripe.subscriptionSchedules.list({ limit: 3 }),
    },
    {
      name: 'test_subscription_schedules_get_2',
      object: 'subscription_schedule',
      call: (stripe, ids) => stripe.subscriptionSchedules.retrieve(ids.schedule),
    },
    {
      name: 'test_subscription_schedules_post',
      object: 'subscription_schedule',
      call: (stripe, ids) =>
        stripe.subscriptionSchedules.create({
          customer: ids.customer,
          start_date: 1676070661,
          end_behavior: 'release',
          phases: [{ items: [{ price: ids.price, quantity: 1 }] }],
        }),
      refused: { unsupported: 'customer' },
    },
    {
      name: 'test_subscription_schedules_post_2',
      object: 'subscription_schedule',
      call: (stripe, ids) => stripe.subscriptionSchedules.update(ids.schedule, { end_behavior: 'release' }),
    },
    {
      name: 'test_subscription_schedules_release_post',
      object: 'subscription_schedule',
      call: (stripe, ids) => stripe.subscriptionSchedules.release(ids.scheduleToRelease),
    },
  ],
  'test clocks': [
    {
      name: 'test_test_helpers_test_clocks_advance_post',
      object: 'test_helpers.test_clock',
      call: (stripe, ids) => stripe.testHelpers.testClocks.advance(ids.clockAt123, { frozen_time: 142 }),
    },
    {
      name: 'test_test_helpers_test_clocks_advance_post_2',
      object: 'test_helpers.test_clock',
      call: (stripe, ids) => stripe.testHelpers.testClocks.advance(ids.clockAt2020, { frozen_time: 1675552261 }),
    },
    {
      name: 'test_test_helpers_test_clocks_delete',
      object: 'test_helpers.test_clock',
      call: (stripe, ids) => stripe.testHelpers.testClocks.del(ids.clockToDelete),
    },
    {
      name: 'test_test_helpers_test_clocks_delete_2',
      object: 'test_helpers.test_clock',
      call: (stripe, ids) => stripe.testHelpers.testClocks.del(ids.secondClockToDelete),
    },
    {
      name: 'test_test_helpers_test_clocks_get',
      object: 'list',
      call: (stripe) => stripe.testHelpers.testClocks.list(),
    },
    {
      name: 'test_test_helpers_test_clocks_get_2',
      object: 'test_helpers.test_clock',
      call: (stripe, ids) => stripe.testHelpers.testClocks.retrieve(ids.clockAt123),
    },
    {
      name: 'test_test_helpers_test_clocks_get_3',
      object: 'list',
      call: (stripe) => stripe.testHelpers.testClocks.list({ limit: 3 }),
    },
    {
      name: 'test_test_helpers_test_clocks_get_4',
      object: 'test_helpers.test_clock',
      call: (stripe, ids) => stripe.testHelpers.testClocks.retrieve(ids.clockAt2020),
    },
    {
      name: 'test_test_helpers_test_clocks_post',
      object: 'test_helpers.test_clock',
      call: (stripe) => stripe.testHelpers.testClocks.create({ frozen_time: 123, name: 'cogsworth' }),
    },
    {
      name: 'test_test_helpers_test_clocks_post_2',
      object: 'test_helpers.test_clock',
      call: (stripe) => stripe.testHelpers.testClocks.create({ frozen_time: 1577836800 }),
    },
  ],
  'webhook endpoints': [
    {
      name: 'test_webhook_endpoints_delete',
      object: 'webhook_endpoint',
      call: (stripe, ids) => stripe.webhookEndpoints.del(ids.webhookEndpointToDelete),
    },
    {
      name: 'test_webhook_endpoints_get',
      object: 'list',
      call: (stripe) => stripe.webhookEndpoints.list({ limit: 3 }),
    },
    {
      name: 'test_webhook_endpoints_get_2',
      object: 'webhook_endpoint',
      call: (stripe, ids) => stripe.webhookEndpoints.retrieve(ids.webhookEndpoint),
    },
    {
      name: 'test_webhook_endpoints_post',
      object: 'webhook_endpoint',
      call: (stripe) =>
        stripe.webhookEndpoints.create({
          url: 'https://example.com/my/webhook/endpoint',
          enabled_events: ['charge.failed', 'charge.succeeded'],
        }),
    },
    {
      name: 'test_webhook_endpoints_post_2',
      object: 'webhook_endpoint',
      call: (stripe, ids) =>
        stripe.webhookEndpoints.update(ids.webhookEndpoint, { url: 'https://example.com/new_endpoint' }),
    },
  ],
  'credit notes': [
    {
      name: 'test_credit_notes_get',
      object: 'list',
      call: (stripe) => stripe.creditNotes.list({ limit: 3 }),
    },
    {
      name: 'test_credit_notes_lines_get',
      object: 'list',
      call: (stripe, ids) => stripe.creditNotes.listLineItems(ids.creditNote, { limit: 3 }),
    },
    {
      name: 'test_credit_notes_post',
      object: 'credit_note',
      call: (stripe, ids) =>
        stripe.creditNotes.create({
          invoice: ids.paidInvoice,
          lines: [{ type: 'invoice_line_item', invoice_line_item: ids.paidInvoiceLine, quantity: 1 }],
        }),
      refused: { unsupported: 'lines' },
    },
    {
      name: 'test_credit_notes_preview_get',
      object: 'credit_note',
      call: (stripe, ids) =>
        stripe.creditNotes.preview({
          invoice: ids.paidInvoice,
          lines: [{ type: 'invoice_line_item', invoice_line_item: ids.paidInvoiceLine, quantity: 1 }],
        }),
      refused: { unrouted: 'GET /v1/credit_notes/preview' },
    },
    {
      name: 'test_credit_notes_preview_lines_get',
      object: 'list',
      call: (stripe, ids) => stripe.creditNotes.listPreviewLineItems({ limit: 3, invoice: ids.paidInvoice }),
      refused: { unrouted: 'GET /v1/credit_notes/preview/lines' },
    },
    {
      name: 'test_credit_notes_void_post',
      object: 'credit_note',
      call: (stripe, ids) => stripe.creditNotes.voidCreditNote(ids.creditNote),
      refused: { unrouted: 'POST /v1/credit_notes/:id/void' },
    },
  ],
  events: [
    {
      name: 'test_events_get',
      object: 'list',
      call: (stripe) => stripe.events.list({ limit: 3 }),
    },
    {
      name: 'test_events_get_2',
      object: 'event',
      call: (stripe, ids) => stripe.events.retrieve(ids.event),
    },
  ],
};

/** Objects for the placeholders, made through the SDK as an app would. */
async function createIds(stripe: Stripe): Promise<Ids> {
  const customer = await stripe.customers.create({ email: 'examples@example.com' });
  const customerToDelete = await stripe.customers.create({ email: 'leaving@example.com' });
  const product = await stripe.products.create({ name: 'Examples' });
  const productToDelete = await stripe.products.create({ name: 'Discontinued' });
  const price = await stripe.prices.create({
    product: product.id,
    unit_amount: 1500,
    currency: 'usd',
    recurring: { interval: 'month' },
  });
  const oneTimePrice = await stripe.prices.create({ product: product.id, unit_amount: 900, currency: 'usd' });
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
  const couponToDelete = await stripe.coupons.create({ percent_off: 5, duration: 'once' });
  const promotionCode = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
  const subscribe = () =>
    stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: 'pm_card_visa',
    });
  const subscription = await subscribe();
  const subscriptionToCancel = await subscribe();
  const paidInvoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
  const incomplete = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    payment_behavior: 'default_incomplete',
  });
  const creditNote = await stripe.creditNotes.create({ invoice: paidInvoice.id, amount: 100, credit_amount: 100 });
  const openSession = () => createSubscriptionSession(stripe, { line_items: [{ price: price.id, quantity: 1 }] });
  const checkoutSession = await openSession();
  const checkoutSessionToExpire = await openSession();
  const secondCheckoutSessionToExpire = await openSession();
  const portalConfiguration = await stripe.billingPortal.configurations.create({
    features: { invoice_history: { enabled: true } },
  });
  const scheduleFor = async () => {
    const started = await subscribe();
    return stripe.subscriptionSchedules.create({ from_subscription: started.id });
  };
  const clockToDelete = await stripe.testHelpers.testClocks.create({ frozen_time: 1577836800 });
  const secondClockToDelete = await stripe.testHelpers.testClocks.create({ frozen_time: 1577836800 });
  const webhookEndpoint = await stripe.webhookEndpoints.create({
    url: 'https://example.com/hooks',
    enabled_events: ['*'],
  });
  const webhookEndpointToDelete = await stripe.webhookEndpoints.create({
    url: 'https://example.com/old-hooks',
    enabled_events: ['*'],
  });
  const [event] = (await stripe.events.list({ limit: 1 })).data;
  return {
    customer: customer.id,
    customerToDelete: customerToDelete.id,
    product: product.id,
    productToDelete: productToDelete.id,
    price: price.id,
    oneTimePrice: oneTimePrice.id,
    coupon: coupon.id,
    couponToDelete: couponToDelete.id,
    promotionCode: promotionCode.id,
    subscription: subscription.id,
    subscriptionToCancel: subscriptionToCancel.id,
    subscriptionItem: subscription.items.data[0]?.id ?? '',
    paidInvoice: paidInvoice.id ?? '',
    paidInvoiceLine: paidInvoice.lines.data[0]?.id ?? '',
    openInvoice: incomplete.latest_invoice as string,
    creditNote: creditNote.id,
    checkoutSession: checkoutSession.id,
    checkoutSessionToExpire: checkoutSessionToExpire.id,
    secondCheckoutSessionToExpire: secondCheckoutSessionToExpire.id,
    portalConfiguration: portalConfiguration.id,
    schedule: (await scheduleFor()).id,
    scheduleToCancel: (await scheduleFor()).id,
    scheduleToRelease: (await scheduleFor()).id,
    clockAt123: (await stripe.testHelpers.testClocks.create({ frozen_time: 123 })).id,
    clockAt2020: (await stripe.testHelpers.testClocks.create({ frozen_time: 1577836800 })).id,
    clockToDelete: clockToDelete.id,
    secondClockToDelete: secondClockToDelete.id,
    webhookEndpoint: webhookEndpoint.id,
    webhookEndpointToDelete: webhookEndpointToDelete.id,
    event: event?.id ?? '',
  };
}

/** Stripe's 404 for a URL it does not route (`Unrecognized request URL (DELETE: /v1/products/prod_…)`). */
function unroutedMessage(route: string): RegExp {
  const [method, path] = route.split(' ') as [string, string];
  const pattern = `${method}: ${path}`.replace(/[().]/g, '\\$&').replace(/:id/g, '[^/]+');
  return new RegExp(`^Unrecognized request URL \\(${pattern}\\)\\. `);
}

let ids: Ids;
beforeAll(async () => {
  ids = await createIds(t.stripe);
}, 60_000);

async function outcome(example: Example): Promise<unknown> {
  return example.call(t.stripe, ids).then(
    (answer) => answer,
    (error: unknown) => error,
  );
}

for (const [resource, examples] of Object.entries(EXAMPLES)) {
  describe(resource, () => {
    for (const example of examples) {
      it(`${example.name}: ${example.refused ? 'refused' : 'passes'}`, async () => {
        const answer = await outcome(example);
        const refused = example.refused;
        if (!refused) {
          if (answer instanceof Error) throw answer;
          expect(answer).toHaveProperty('object', example.object);
          return;
        }
        expect(answer).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
        const error = answer as Stripe.errors.StripeError;
        if ('unsupported' in refused) {
          expect({ status: error.statusCode, code: error.code, param: error.param }).toEqual({
            status: 400,
            code: EMULATOR_UNSUPPORTED,
            param: refused.unsupported,
          });
        } else {
          expect(error.statusCode).toBe(404);
          expect(error.message).toMatch(unroutedMessage(refused.unrouted));
        }
      });
    }
  });
}

describe('the README', () => {
  it('states these figures in its Fidelity table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const row = (resource: string, passing: number, total: number) =>
      new RegExp(`^\\| ${resource.replace(/\*/g, '\\$&')} +\\| ${passing} / ${total} +\\|`, 'm');
    let passing = 0;
    let total = 0;
    for (const [resource, examples] of Object.entries(EXAMPLES)) {
      const passed = examples.filter((example) => !example.refused).length;
      expect(readme).toMatch(row(resource, passed, examples.length));
      passing += passed;
      total += examples.length;
    }
    expect(readme).toMatch(row('**all**', passing, total));
  });
});
