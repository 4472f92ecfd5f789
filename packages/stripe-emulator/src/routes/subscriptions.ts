import type { ApiRoutes } from '../api';
import { PRORATION_BEHAVIORS, prorationDate } from '../billing/prorations';
import { type NewSubscription, startSubscription } from '../billing/start-subscription';
import {
  cancelSubscription,
  type ItemChange,
  PAYMENT_BEHAVIORS,
  resumeSubscription,
  updateItemMetadata,
  updateSubscription,
} from '../billing/subscriptions';
import type { EmulatorContext } from '../context';
import { cardDeclined, invalidParam, invalidRequest, parameterMissing, resourceMissing } from '../errors';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { billingModeParam, DEFAULT_BILLING_MODE } from '../objects/billing-mode';
import {
  metadataParam,
  objectList,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalString,
  type Params,
} from '../params';
import { type SearchFields, search } from '../search';
import type { RouteSpec } from '../strictness';
import type { Subscription } from '../wire';
import { customerFilter, requireObject } from './lookup';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: [
      'customer',
      'items.price',
      'items.quantity',
      'payment_behavior',
      'trial_period_days',
      'trial_end',
      'default_payment_method',
      'metadata',
      'billing_mode',
    ],
  },
  search: { supports: ['query', 'limit', 'page'] },
  items: { supports: [...LIST_PARAMS, 'subscription'] },
  item: { supports: [] },
  updateItem: { supports: ['metadata'] },
  retrieve: { supports: [] },
  update: {
    supports: [
      'items.id',
      'items.price',
      'items.quantity',
      'items.deleted',
      'metadata',
      'cancel_at_period_end',
      'cancel_at',
      'proration_behavior',
      'proration_date',
      'payment_behavior',
    ],
  },
  cancel: { supports: [] },
  resume: { supports: [] },
  list: { supports: [...LIST_PARAMS, 'customer', 'price', 'status'] },
} satisfies Record<string, RouteSpec>;

/** The fields Stripe's subscription search supports, besides `metadata`. */
const SUBSCRIPTION_SEARCH_FIELDS: SearchFields<Subscription> = {
  created: { kind: 'number', read: (subscription) => subscription.created },
  status: { kind: 'string', read: (subscription) => subscription.status },
};

export function registerSubscriptionRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  // Static, so Fastify routes it before `/v1/subscriptions/:id`. Canceled subscriptions are found too.
  api.get('/v1/subscriptions/search', SUPPORTED.search, ({ params, expand: paths }) =>
    expand(
      ctx,
      search(store.subscriptions.newestFirst(), params, SUBSCRIPTION_SEARCH_FIELDS, '/v1/subscriptions/search'),
      paths,
    ),
  );

  api.post('/v1/subscriptions', SUPPORTED.create, ({ params, origin, expand: paths }) =>
    expand(ctx, startSubscription(ctx, newSubscriptionParams(ctx, params), origin), paths),
  );

  api.get('/v1/subscription_items', SUPPORTED.items, ({ params, expand: paths }) => {
    const subscriptionId = optionalString(params, 'subscription');
    if (!subscriptionId) throw parameterMissing('subscription');
    const subscription = requireObject(store.subscriptions, 'subscription', subscriptionId, 'subscription');
    return expand(
      ctx,
      // In their order on the subscription, as `items.data`.
      paginate(subscription.items.data, params, `/v1/subscription_items?subscription=${subscription.id}`),
      paths,
    );
  });

  /** The item with this id and the subscription it belongs to; 404 as Stripe's when there is none. */
  const requireItem = (id: string) => {
    for (const subscription of store.subscriptions.all()) {
      const item = subscription.items.data.find((candidate) => candidate.id === id);
      if (item) return { subscription, item };
    }
    throw resourceMissing('subscription item', id);
  };

  api.get('/v1/subscription_items/:id', SUPPORTED.item, ({ id, expand: paths }) =>
    expand(ctx, requireItem(id).item, paths),
  );

  api.post('/v1/subscription_items/:id', SUPPORTED.updateItem, ({ id, params, origin, expand: paths }) => {
    const { subscription, item } = requireItem(id);
    return expand(ctx, updateItemMetadata(ctx, subscription, item, metadataParam(params), origin), paths);
  });

  api.get('/v1/subscriptions/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.subscriptions, 'subscription', id), paths),
  );

  api.post('/v1/subscriptions/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    const changes = {
      items: itemChanges(ctx, subscription, params),
      metadata: metadataParam(params),
      cancelAtPeriodEnd: optionalBoolean(params, 'cancel_at_period_end'),
      cancelAt: cancelAtParam(subscription, params, ctx.clock.now()),
      prorationBehavior: oneOf(params, 'proration_behavior', PRORATION_BEHAVIORS),
      prorationDate: prorationDate(
        subscription,
        optionalInteger(params, 'proration_date'),
        ctx.clock.now(),
        'proration_date',
      ),
      paymentBehavior: oneOf(params, 'payment_behavior', PAYMENT_BEHAVIORS),
    };
    return expand(ctx, updateSubscription(ctx, subscription, changes, origin), paths);
  });

  api.delete('/v1/subscriptions/:id', SUPPORTED.cancel, ({ id, origin, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    return expand(ctx, cancelSubscription(ctx, subscription, origin), paths);
  });

  api.post('/v1/subscriptions/:id/resume', SUPPORTED.resume, ({ id, origin, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    return expand(ctx, resumeSubscription(ctx, subscription, origin), paths);
  });

  api.get('/v1/subscriptions', SUPPORTED.list, ({ params, expand: paths }) => {
    const customer = customerFilter(store, params);
    const price = optionalString(params, 'price');
    // Without a status filter Stripe leaves canceled subscriptions out; `status=all` includes them.
    const status = optionalString(params, 'status');
    const subscriptions = store.subscriptions
      .newestFirst()
      .filter(
        (subscription) =>
          (customer === undefined || subscription.customer === customer) &&
          (price === undefined || subscription.items.data.some((item) => item.price.id === price)) &&
          (status === 'all' ||
            (status === undefined ? subscription.status !== 'canceled' : subscription.status === status)),
      );
    return expand(ctx, paginate(subscriptions, params, '/v1/subscriptions'), paths);
  });
}

/** `payment_behavior` on create; `pending_if_incomplete` is for updates only, as on Stripe. */
const CREATE_PAYMENT_BEHAVIORS = ['allow_incomplete', 'default_incomplete', 'error_if_incomplete'] as const;
/** Stripe's test payment methods whose charges are declined (https://docs.stripe.com/testing#declined-payments). */
const DECLINING_TEST_PAYMENT_METHODS = new Set(['pm_card_chargeDeclined', 'pm_card_visa_chargeDeclined']);
/** Stripe's limit on a trial: two years. */
const MAX_TRIAL_SECONDS = 730 * 86_400;

/**
 * `POST /v1/subscriptions` (stripe-node `SubscriptionCreateParams`): `customer`, `items[i][price|quantity]`,
 * `payment_behavior`, `trial_period_days`, `trial_end` (timestamp or `now`), `default_payment_method`,
 * `metadata`, `billing_mode[type]`. Every check runs before anything is created.
 */
function newSubscriptionParams(ctx: EmulatorContext, params: Params): NewSubscription {
  const customerId = optionalString(params, 'customer');
  if (!customerId) throw parameterMissing('customer');
  const customer = requireObject(ctx.store.customers, 'customer', customerId, 'customer');
  const entries = objectList(params, 'items');
  if (entries.length === 0) throw parameterMissing('items');
  const lines = entries.map((entry, index) => {
    const param = (field: string) => `items[${index}][${field}]`;
    const priceId = optionalString(entry, 'price', param('price'));
    if (!priceId) throw parameterMissing(param('price'));
    const price = requireObject(ctx.store.prices, 'price', priceId, param('price'));
    if (!price.active)
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', param('price'));
    if (price.type !== 'recurring') {
      throw invalidRequest(
        `The price specified (\`${price.id}\`) is not recurring; subscription items need recurring prices.`,
        param('price'),
      );
    }
    const quantity = optionalInteger(entry, 'quantity', param('quantity')) ?? 1;
    if (quantity < 1)
      throw invalidParam(param('quantity'), 'Quantity must be at least 1.', 'parameter_invalid_integer');
    return { price, quantity };
  });
  const currency = lines[0]?.price.currency;
  const otherCurrency = lines.findIndex((line) => line.price.currency !== currency);
  if (otherCurrency >= 0) {
    throw invalidRequest('All prices on a subscription must have the same currency.', `items[${otherCurrency}][price]`);
  }
  const paymentBehavior = oneOf(params, 'payment_behavior', CREATE_PAYMENT_BEHAVIORS) ?? 'allow_incomplete';
  const defaultPaymentMethod = optionalString(params, 'default_payment_method') || null;
  const declines = defaultPaymentMethod !== null && DECLINING_TEST_PAYMENT_METHODS.has(defaultPaymentMethod);
  const trialEnd = trialEndParam(params, ctx.clock.now());
  if (declines && trialEnd === null && paymentBehavior === 'error_if_incomplete') throw cardDeclined();
  return {
    customer,
    lines,
    metadata: metadataParam(params) ?? {},
    billingMode: billingModeParam(params, 'billing_mode', 'billing_mode') ?? DEFAULT_BILLING_MODE,
    trialEnd,
    defaultPaymentMethod,
    firstPayment: paymentBehavior === 'default_incomplete' ? 'awaits_confirmation' : declines ? 'fails' : 'succeeds',
  };
}

/** `trial_end` (a timestamp, or `now` for none) or `trial_period_days`; at most two years away. */
function trialEndParam(params: Params, now: number): number | null {
  const trialEnd = optionalString(params, 'trial_end');
  const trialDays = optionalInteger(params, 'trial_period_days');
  if (trialEnd !== undefined && trialDays !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: trial_end, trial_period_days.', 'trial_end');
  }
  if (trialEnd === 'now') return null;
  const end = trialEnd !== undefined ? Number(trialEnd) : trialDays ? now + trialDays * 86_400 : null;
  if (trialEnd !== undefined && !/^\d+$/.test(trialEnd)) {
    throw invalidParam('trial_end', `Invalid trial_end: must be a timestamp or \`now\`.`, 'parameter_invalid_integer');
  }
  if (trialDays !== undefined && trialDays < 0) {
    throw invalidParam('trial_period_days', 'trial_period_days must be at least 0.', 'parameter_invalid_integer');
  }
  if (end !== null && end <= now) {
    throw invalidParam('trial_end', 'Invalid timestamp: must be in the future.', 'parameter_invalid_integer');
  }
  if (end !== null && end - now > MAX_TRIAL_SECONDS) {
    throw invalidParam('trial_end', 'A trial can last at most 730 days.', 'parameter_invalid_integer');
  }
  return end;
}

/**
 * `cancel_at` on update (stripe-node `SubscriptionUpdateParams.cancel_at`: a timestamp,
 * `min_period_end` / `max_period_end`, or `""` to clear). Stripe refuses it together with
 * `cancel_at_period_end`, with this message and neither `code` nor `param`.
 */
function cancelAtParam(subscription: Subscription, params: Params, now: number): number | null | undefined {
  const value = optionalString(params, 'cancel_at');
  if (value === undefined) return undefined;
  if (params.cancel_at_period_end !== undefined) {
    throw invalidRequest('Received both cancel_at_period_end and cancel_at parameters. Please pass in only one.');
  }
  if (value === '') return null;
  const periodEnds = subscription.items.data.map((item) => item.current_period_end);
  if (value === 'min_period_end' && periodEnds.length > 0) return Math.min(...periodEnds);
  if (value === 'max_period_end' && periodEnds.length > 0) return Math.max(...periodEnds);
  const timestamp = optionalInteger(params, 'cancel_at');
  if (timestamp === undefined || timestamp <= now) {
    throw invalidParam('cancel_at', 'The cancel_at date must be in the future.', 'parameter_invalid_integer');
  }
  return timestamp;
}

/**
 * `items[i]` as Stripe reads it: `id` + `price` swaps an item's price, `id` +
 * `deleted=true` removes it, `price` alone adds a new item.
 */
export function itemChanges(
  ctx: EmulatorContext,
  subscription: Subscription,
  params: Params,
  /** How errors name the list: `items`, or `subscription_details[items]` in an invoice preview. */
  listName = 'items',
): ItemChange[] {
  return objectList(params, 'items').map((entry, index): ItemChange => {
    const param = (field: string) => `${listName}[${index}][${field}]`;
    const itemId = optionalString(entry, 'id', param('id'));
    const priceId = optionalString(entry, 'price', param('price'));
    const quantity = optionalInteger(entry, 'quantity', param('quantity'));
    if (quantity !== undefined && quantity < 1)
      throw invalidParam(param('quantity'), 'Quantity must be at least 1.', 'parameter_invalid_integer');
    const price = priceId ? requireObject(ctx.store.prices, 'price', priceId, param('price')) : undefined;
    if (price && !price.active)
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', param('price'));
    if (price && price.type !== 'recurring') {
      throw invalidRequest(
        `The price specified (\`${price.id}\`) is not recurring; subscription items need recurring prices.`,
        param('price'),
      );
    }
    if (price && price.currency !== subscription.currency) {
      throw invalidRequest(
        `The price's currency (${price.currency}) must match the subscription's (${subscription.currency}).`,
        param('price'),
      );
    }

    if (itemId) {
      if (!subscription.items.data.some((item) => item.id === itemId)) {
        throw resourceMissing('subscription item', itemId, param('id'), 400);
      }
      if (optionalBoolean(entry, 'deleted', param('deleted'))) return { kind: 'delete', itemId };
      return { kind: 'replace', itemId, ...(price ? { price } : {}), ...(quantity !== undefined ? { quantity } : {}) };
    }
    if (!price) throw parameterMissing(param('price'));
    return { kind: 'add', price, quantity: quantity ?? 1 };
  });
}
