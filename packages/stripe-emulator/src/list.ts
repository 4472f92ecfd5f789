import { invalidParam } from './errors';
import { optionalInteger, optionalString, type Params } from './params';
import type { List } from './wire';

/**
 * Cursor pagination as Stripe does it: newest first, `limit` 1..100 (default
 * 10), `starting_after` / `ending_before` naming an object id from a previous page.
 */
/** The parameters `paginate` reads, for the `supports` of every list route. */
export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before'] as const;

export function paginate<T extends { id: string }>(newestFirst: T[], params: Params, url: string): List<T> {
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', `Invalid limit: must be between 1 and 100`, 'parameter_invalid_integer');
  }
  const startingAfter = optionalString(params, 'starting_after');
  const endingBefore = optionalString(params, 'ending_before');

  let page: T[];
  let hasMore: boolean;
  if (endingBefore !== undefined) {
    const end = cursorIndex(newestFirst, endingBefore, 'ending_before');
    const start = Math.max(0, end - limit);
    page = newestFirst.slice(start, end);
    hasMore = start > 0;
  } else {
    const start = startingAfter === undefined ? 0 : cursorIndex(newestFirst, startingAfter, 'starting_after') + 1;
    page = newestFirst.slice(start, start + limit);
    hasMore = start + limit < newestFirst.length;
  }
  return { object: 'list', data: page, has_more: hasMore, url };
}

function cursorIndex<T extends { id: string }>(items: T[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1)
    throw invalidParam(param, `Invalid ${param}: no object with id '${id}' in this list.`, 'resource_missing');
  return index;
}
