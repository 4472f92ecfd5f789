import type { EmulatorContext } from '../context';
import type { EventOrigin } from '../events';
import type { Customer, DeletedCustomer } from '../wire';
import { cancelSubscription } from './subscriptions';

/** Subscriptions that have already ended; deleting their customer leaves them as they are. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

/**
 * `DELETE /v1/customers/:id`, as stripe-node documents `customers.del`: "Permanently deletes a
 * customer. It cannot be undone. Also immediately cancels any active subscriptions on the
 * customer." Stripe's API reference adds that deleted customers can still be retrieved (the
 * `deleted_customer` shape, `{id, object: 'customer', deleted: true}` in the OpenAPI spec and
 * fixtures) while any further operation on them fails. So the customer moves out of `customers`
 * (every lookup by id answers "No such customer") into `deletedCustomers`. Events, in order: one
 * `customer.subscription.deleted` per subscription it ends (oldest first), then
 * `customer.deleted` carrying the customer as it was.
 */
export function deleteCustomer(ctx: EmulatorContext, customer: Customer, origin: EventOrigin): DeletedCustomer {
  for (const subscription of ctx.store.subscriptions.all()) {
    if (subscription.customer === customer.id && !ENDED.has(subscription.status)) {
      cancelSubscription(ctx, subscription, origin);
    }
  }
  ctx.store.customers.remove(customer.id);
  const deleted = ctx.store.deletedCustomers.insert({ id: customer.id, object: 'customer', deleted: true });
  ctx.events.emit('customer.deleted', customer, origin);
  return deleted;
}
