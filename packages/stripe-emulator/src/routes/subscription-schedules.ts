import type { ApiRoutes } from '../api';
import type { ProrationBehavior } from '../billing/prorations';
import { PRORATION_BEHAVIORS } from '../billing/prorations';
import {
  cancelSchedule,
  createScheduleFromSubscription,
  type PhaseParams,
  releaseSchedule,
  updateSchedule,
} from '../billing/schedules';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest } from '../errors';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { isInterval } from '../objects/price';
import {
  metadataParam,
  objectList,
  oneOf,
  optionalInteger,
  optionalParams,
  optionalString,
  type Params,
} from '../params';
import type { RouteSpec } from '../strictness';
import type { SubscriptionSchedule } from '../wire';
import { requireObject } from './lookup';

const END_BEHAVIORS: readonly SubscriptionSchedule['end_behavior'][] = ['release', 'cancel'];

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: { supports: ['from_subscription', 'phases'] },
  retrieve: { supports: [] },
  update: {
    supports: [
      'metadata',
      'end_behavior',
      'proration_behavior',
      'phases.items.price',
      'phases.items.quantity',
      'phases.start_date',
      'phases.end_date',
      'phases.duration',
      'phases.proration_behavior',
    ],
  },
  release: { supports: [] },
  cancel: { supports: [] },
  list: { supports: [...LIST_PARAMS, 'customer'] },
} satisfies Record<string, RouteSpec>;

/** Subscription schedules (https://docs.stripe.com/api/subscription_schedules), made from a subscription. */
export function registerSubscriptionScheduleRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/subscription_schedules', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const from = optionalString(params, 'from_subscription');
    if (!from) {
      throw invalidRequest(
        'The emulator creates subscription schedules from an existing subscription only: pass `from_subscription`.',
        'from_subscription',
      );
    }
    if (params.phases !== undefined) {
      throw invalidRequest('You cannot set `phases` if `from_subscription` is set.', 'phases');
    }
    const subscription = requireObject(store.subscriptions, 'subscription', from, 'from_subscription');
    return expand(ctx, createScheduleFromSubscription(ctx, subscription, origin), paths);
  });

  api.get('/v1/subscription_schedules/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.subscriptionSchedules, 'subscription schedule', id), paths),
  );

  api.post('/v1/subscription_schedules/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const schedule = requireObject(store.subscriptionSchedules, 'subscription schedule', id);
    const changes = {
      ...(params.phases !== undefined ? { phases: phaseParams(ctx, params) } : {}),
      endBehavior: oneOf(params, 'end_behavior', END_BEHAVIORS),
      prorationBehavior: oneOf(params, 'proration_behavior', PRORATION_BEHAVIORS),
      metadata: metadataParam(params),
    };
    return expand(ctx, updateSchedule(ctx, schedule, changes, origin), paths);
  });

  api.post('/v1/subscription_schedules/:id/release', SUPPORTED.release, ({ id, origin, expand: paths }) => {
    const schedule = requireObject(store.subscriptionSchedules, 'subscription schedule', id);
    return expand(ctx, releaseSchedule(ctx, schedule, origin), paths);
  });

  api.post('/v1/subscription_schedules/:id/cancel', SUPPORTED.cancel, ({ id, origin, expand: paths }) => {
    const schedule = requireObject(store.subscriptionSchedules, 'subscription schedule', id);
    return expand(ctx, cancelSchedule(ctx, schedule, origin), paths);
  });

  api.get('/v1/subscription_schedules', SUPPORTED.list, ({ params, expand: paths }) => {
    const customer = optionalString(params, 'customer');
    const schedules = store.subscriptionSchedules
      .newestFirst()
      .filter((schedule) => customer === undefined || schedule.customer === customer);
    return expand(ctx, paginate(schedules, params, '/v1/subscription_schedules'), paths);
  });
}

/** A timestamp or `now`. */
function dateParam(params: Params, key: string, param: string): number | 'now' | undefined {
  if (params[key] === 'now') return 'now';
  return optionalInteger(params, key, param);
}

function phaseParams(ctx: EmulatorContext, params: Params): PhaseParams[] {
  return objectList(params, 'phases').map((phase, index): PhaseParams => {
    const param = (field: string) => `phases[${index}][${field}]`;
    const items = objectList(phase, 'items').map((item, itemIndex) => {
      const itemParam = (field: string) => `${param('items')}[${itemIndex}][${field}]`;
      const priceId = optionalString(item, 'price', itemParam('price'));
      if (!priceId) throw invalidParam(itemParam('price'), 'Each phase item needs a `price`.');
      const price = requireObject(ctx.store.prices, 'price', priceId, itemParam('price'));
      if (!price.recurring) {
        throw invalidRequest(`The price specified (\`${price.id}\`) is not recurring.`, itemParam('price'));
      }
      const quantity = optionalInteger(item, 'quantity', itemParam('quantity')) ?? 1;
      if (quantity < 1)
        throw invalidParam(itemParam('quantity'), 'Quantity must be at least 1.', 'parameter_invalid_integer');
      return { price, quantity };
    });
    const duration = optionalParams(phase, 'duration', param('duration'));
    const endDate = dateParam(phase, 'end_date', param('end_date'));
    if (duration && endDate !== undefined) {
      throw invalidRequest('You cannot set both `end_date` and `duration` on a phase.', param('duration'));
    }
    const interval = duration ? optionalString(duration, 'interval', `${param('duration')}[interval]`) : undefined;
    if (duration && !isInterval(interval)) {
      throw invalidParam(`${param('duration')}[interval]`, 'Invalid interval: must be one of day, week, month, year');
    }
    const startDate = dateParam(phase, 'start_date', param('start_date'));
    const prorationBehavior: ProrationBehavior | undefined = oneOf(
      phase,
      'proration_behavior',
      PRORATION_BEHAVIORS,
      param('proration_behavior'),
    );
    return {
      items,
      ...(startDate !== undefined ? { startDate } : {}),
      ...(endDate !== undefined ? { endDate } : {}),
      ...(duration && isInterval(interval)
        ? {
            duration: {
              interval,
              interval_count: optionalInteger(duration, 'interval_count', `${param('duration')}[interval_count]`) ?? 1,
              meter: null,
              trial_period_days: null,
              usage_type: 'licensed',
            },
          }
        : {}),
      ...(prorationBehavior ? { prorationBehavior } : {}),
    };
  });
}
