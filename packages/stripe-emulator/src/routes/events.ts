import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { optionalString, stringList } from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  retrieve: { supports: [] },
  list: { supports: [...LIST_PARAMS, 'type', 'types'] },
} satisfies Record<string, RouteSpec>;

export function registerEventRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  api.get('/v1/events/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(ctx.store.events, 'event', id), paths),
  );

  api.get('/v1/events', SUPPORTED.list, ({ params, expand: paths }) => {
    const type = optionalString(params, 'type');
    const types = stringList(params, 'types');
    const events = ctx.store.events
      .newestFirst()
      .filter(
        (event) =>
          (type === undefined || matchesType(event.type, type)) && (types.length === 0 || types.includes(event.type)),
      );
    return expand(ctx, paginate(events, params, '/v1/events'), paths);
  });
}

/** Stripe's `type` filter accepts a trailing wildcard: `customer.subscription.*`. */
function matchesType(type: string, filter: string): boolean {
  return filter.endsWith('.*') ? type.startsWith(filter.slice(0, -1)) : type === filter;
}
