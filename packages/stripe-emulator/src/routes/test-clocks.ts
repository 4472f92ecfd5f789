import type { ApiRoutes } from '../api';
import { advanceTestClock, createTestClock, deleteTestClock } from '../billing/test-clocks';
import type { EmulatorContext } from '../context';
import { parameterMissing } from '../errors';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { optionalInteger, optionalString, type Params } from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

function frozenTimeParam(params: Params): number {
  const frozenTime = optionalInteger(params, 'frozen_time');
  if (frozenTime === undefined) throw parameterMissing('frozen_time');
  return frozenTime;
}

/** Stripe's test clocks API, `stripe.testHelpers.testClocks.*` in the SDK. */
/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: { supports: ['frozen_time', 'name'] },
  retrieve: { supports: [] },
  list: { supports: LIST_PARAMS },
  advance: { supports: ['frozen_time'] },
  del: { supports: [] },
} satisfies Record<string, RouteSpec>;

export function registerTestClockRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/test_helpers/test_clocks', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const frozenTime = frozenTimeParam(params);
    const name = optionalString(params, 'name') || null;
    return expand(ctx, createTestClock(ctx, { frozenTime, name }, origin), paths);
  });

  api.get('/v1/test_helpers/test_clocks/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.testClocks, 'test_clock', id), paths),
  );

  api.get('/v1/test_helpers/test_clocks', SUPPORTED.list, ({ params, expand: paths }) =>
    expand(ctx, paginate(store.testClocks.newestFirst(), params, '/v1/test_helpers/test_clocks'), paths),
  );

  api.post('/v1/test_helpers/test_clocks/:id/advance', SUPPORTED.advance, ({ id, params, origin, expand: paths }) => {
    const clock = requireObject(store.testClocks, 'test_clock', id);
    return expand(ctx, advanceTestClock(ctx, clock, frozenTimeParam(params), origin), paths);
  });

  api.delete('/v1/test_helpers/test_clocks/:id', SUPPORTED.del, ({ id, origin }) =>
    deleteTestClock(ctx, requireObject(store.testClocks, 'test_clock', id), origin),
  );
}
