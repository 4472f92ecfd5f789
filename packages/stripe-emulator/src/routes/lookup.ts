import { type ResourceName, resourceMissing } from '../errors';
import { optionalString, type Params } from '../params';
import type { Collection, Store } from '../store';

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

/**
 * A list's `customer` filter must name a customer Stripe has or had: an unknown id answers 400
 * "No such customer" with `param: 'customer'` rather than an empty list (a deleted customer's
 * invoices and subscriptions stay listable, as their objects outlive the customer).
 */
export function customerFilter(store: Store, params: Params): string | undefined {
  const customer = optionalString(params, 'customer');
  if (customer !== undefined && !store.customers.get(customer) && !store.deletedCustomers.get(customer)) {
    throw resourceMissing('customer', customer, 'customer', 400);
  }
  return customer;
}
