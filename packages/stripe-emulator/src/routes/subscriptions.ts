import type { ApiRoutes } from '../api';
import { PRORATION_BEHAVIORS, prorationDate } from '../billing/prorations';
import {
  cancelSubscription,
  type ItemChange,
  PAYMENT_BEHAVIORS,
  resumeSubscription,
  updateSubscription,
} from '../billing/subscriptions';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing, resourceMissing } from '../errors';
import { expand } from '../expand';
import { paginate } from '../list';
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
import type { Subscription } from '../wire';
import { requireObject } from './lookup';

/** The fields Stripe's subscription search supports, besides `metadata`. */
const SUBSCRIPTION_SEARCH_FIELDS: SearchFields<Subscription> = {
  created: { kind: 'number', read: (subscription) => subscription.created },
  status: { kind: 'string', read: (subscription) => subscription.status },
};

export function registerSubscriptionRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  // Static, so Fastify routes it before `/v1/subscriptions/:id`. Canceled subscriptions are found too.
  api.get('/v1/subscriptions/search', ({ params, expand: paths }) =>
    expand(
      ctx,
      search(store.subscriptions.newestFirst(), params, SUBSCRIPTION_SEARCH_FIELDS, '/v1/subscriptions/search'),
      paths,
    ),
  );

  api.get('/v1/subscriptions/:id', ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.subscriptions, 'subscription', id), paths),
  );

  api.post('/v1/subscriptions/:id', ({ id, params, origin, expand: paths }) => {
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

  api.delete('/v1/subscriptions/:id', ({ id, origin, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    return expand(ctx, cancelSubscription(ctx, subscription, origin), paths);
  });

  api.post('/v1/subscriptions/:id/resume', ({ id, origin, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    return expand(ctx, resumeSubscription(ctx, subscription, origin), paths);
  });

  api.get('/v1/subscriptions', ({ params, expand: paths }) => {
    const customer = optionalString(params, 'customer');
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
