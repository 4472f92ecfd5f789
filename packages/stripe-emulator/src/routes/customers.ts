import type { ApiRoutes } from '../api';
import { deleteCustomer } from '../billing/delete-customer';
import { testClockForNewCustomer } from '../billing/test-clocks';
import type { EmulatorContext } from '../context';
import { changedAttributes } from '../events';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { buildCustomer } from '../objects/customer';
import { mergeMetadata, metadataParam, optionalString, type Params } from '../params';
import { type SearchFields, search } from '../search';
import type { RouteSpec } from '../strictness';
import type { Customer } from '../wire';
import { requireObject } from './lookup';

/** The fields Stripe's customer search supports, besides `metadata`. */
const CUSTOMER_SEARCH_FIELDS: SearchFields<Customer> = {
  created: { kind: 'number', read: (customer) => customer.created },
  email: { kind: 'string', read: (customer) => customer.email },
  name: { kind: 'string', read: (customer) => customer.name },
  phone: { kind: 'string', read: (customer) => customer.phone },
};

/** Fields that create and update treat alike: an empty string clears them. */
const TEXT_FIELDS = ['email', 'name', 'phone', 'description'] as const;

function textFields(params: Params): Partial<Record<(typeof TEXT_FIELDS)[number], string | null>> {
  const fields: Partial<Record<(typeof TEXT_FIELDS)[number], string | null>> = {};
  for (const field of TEXT_FIELDS) {
    const value = optionalString(params, field);
    if (value !== undefined) fields[field] = value === '' ? null : value;
  }
  return fields;
}

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: { supports: [...TEXT_FIELDS, 'metadata', 'test_clock'] },
  search: { supports: ['query', 'limit', 'page'] },
  retrieve: { supports: [] },
  del: { supports: [] },
  update: { supports: [...TEXT_FIELDS, 'metadata'] },
  list: { supports: [...LIST_PARAMS, 'email', 'test_clock'] },
} satisfies Record<string, RouteSpec>;

export function registerCustomerRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/customers', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const fields = textFields(params);
    const metadata = metadataParam(params) ?? {};
    const clock = optionalString(params, 'test_clock');
    const testClock = clock ? testClockForNewCustomer(ctx, clock) : null;
    const customer = store.customers.insert(
      buildCustomer({ ...fields, metadata, testClock, created: ctx.clock.now() }),
    );
    ctx.events.emit('customer.created', customer, origin);
    return expand(ctx, customer, paths);
  });

  // Static, so Fastify routes it before `/v1/customers/:id`.
  api.get('/v1/customers/search', SUPPORTED.search, ({ params, expand: paths }) =>
    expand(ctx, search(store.customers.newestFirst(), params, CUSTOMER_SEARCH_FIELDS, '/v1/customers/search'), paths),
  );

  // A deleted customer is still retrieved (200, `deleted: true`); every other call answers 404.
  api.get('/v1/customers/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, store.deletedCustomers.get(id) ?? requireObject(store.customers, 'customer', id), paths),
  );

  api.delete('/v1/customers/:id', SUPPORTED.del, ({ id, origin }) =>
    deleteCustomer(ctx, requireObject(store.customers, 'customer', id), origin),
  );

  api.post('/v1/customers/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const customer = requireObject(store.customers, 'customer', id);
    const before = structuredClone(customer);
    const fields = textFields(params);
    const metadata = mergeMetadata(customer.metadata, metadataParam(params));
    Object.assign(customer, fields);
    customer.metadata = metadata;
    const previous = changedAttributes(before, customer);
    if (Object.keys(previous).length > 0) ctx.events.emit('customer.updated', customer, origin, previous);
    return expand(ctx, customer, paths);
  });

  api.get('/v1/customers', SUPPORTED.list, ({ params, expand: paths }) => {
    const email = optionalString(params, 'email');
    const testClock = optionalString(params, 'test_clock');
    // Stripe matches the email exactly, case-sensitively.
    const customers = store.customers
      .newestFirst()
      .filter(
        (customer) =>
          (email === undefined || customer.email === email) &&
          (testClock === undefined || customer.test_clock === testClock),
      );
    return expand(ctx, paginate(customers, params, '/v1/customers'), paths);
  });
}
