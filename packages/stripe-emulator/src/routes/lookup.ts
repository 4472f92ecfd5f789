import { type ResourceName, resourceMissing } from '../errors';
import type { Collection } from '../store';

/**
 * Fetches an object or throws Stripe's "No such …" error: 404 with
 * `param: 'id'` for the object in the URL, 400 with the parameter's name when
 * the id came in the request body (`line_items[0][price]`, `customer`).
 */
export function requireObject<T extends { id: string }>(
  collection: Collection<T>,
  resource: ResourceName,
  id: string,
  param = 'id',
): T {
  const found = collection.get(id);
  if (!found) throw resourceMissing(resource, id, param, param === 'id' ? 404 : 400);
  return found;
}
