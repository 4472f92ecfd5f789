import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { optionalString, stringList } from '../params';
import { requireObject } from './lookup';

export function registerEventRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  api.get('/v1/events/:id', { supports: [] }, ({ id, expand: paths }) =>
    expand(ctx, requireObject(ctx.store.events, 'event', id), paths),
  );

  api.get('/v1/events', { supports: [...LIST_PARAMS, 'type', 'types'] }, ({ params, expand: paths }) => {
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
