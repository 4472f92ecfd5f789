import type { ApiRoutes } from '../api';
import { payOpenInvoice } from '../billing/invoicing';
import { previewInvoice } from '../billing/preview';
import { PRORATION_BEHAVIORS, prorationDate } from '../billing/prorations';
import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { changedAttributes } from '../events';
import { expand } from '../expand';
import { idOf } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import { mergeMetadata, metadataParam, oneOf, optionalInteger, optionalParams, optionalString } from '../params';
import { type SearchFields, search } from '../search';
import type { RouteSpec } from '../strictness';
import type { Invoice } from '../wire';
import { customerFilter, requireObject } from './lookup';
import { itemChanges } from './subscriptions';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  preview: {
    supports: [
      'subscription',
      'customer',
      'subscription_details.items.id',
      'subscription_details.items.price',
      'subscription_details.items.quantity',
      'subscription_details.items.deleted',
      'subscription_details.proration_date',
      'subscription_details.proration_behavior',
    ],
  },
  retrieve: { supports: [] },
  update: { supports: ['metadata'] },
  pay: { supports: [] },
  lines: { supports: LIST_PARAMS },
  list: { supports: [...LIST_PARAMS, 'customer', 'subscription', 'status'] },
  search: { supports: ['query', 'limit', 'page'] },
} satisfies Record<string, RouteSpec>;

/** The fields Stripe's invoice search supports besides `metadata` (https://docs.stripe.com/search#query-fields-for-invoices). */
const INVOICE_SEARCH_FIELDS: SearchFields<Invoice> = {
  created: { kind: 'number', read: (invoice) => invoice.created },
  currency: { kind: 'string', read: (invoice) => invoice.currency },
  customer: { kind: 'string', read: (invoice) => (invoice.customer === null ? null : idOf(invoice.customer)) },
  last_finalization_error_code: { kind: 'string', read: (invoice) => invoice.last_finalization_error?.code },
  last_finalization_error_type: { kind: 'string', read: (invoice) => invoice.last_finalization_error?.type },
  number: { kind: 'string', read: (invoice) => invoice.number },
  receipt_number: { kind: 'string', read: (invoice) => invoice.receipt_number },
  status: { kind: 'string', read: (invoice) => invoice.status },
  subscription: {
    kind: 'string',
    read: (invoice) => {
      const subscription = invoice.parent?.subscription_details?.subscription;
      return subscription ? idOf(subscription) : null;
    },
  },
  total: { kind: 'number', read: (invoice) => invoice.total },
};

/** Invoices are created by subscriptions, never directly; previews are computed and not stored. */
export function registerInvoiceRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  api.post('/v1/invoices/create_preview', SUPPORTED.preview, ({ params, expand: paths }) => {
    const subscriptionId = optionalString(params, 'subscription');
    if (!subscriptionId) {
      throw invalidRequest(
        'The emulator previews the invoices of a subscription: pass `subscription`.',
        'subscription',
      );
    }
    const subscription = requireObject(ctx.store.subscriptions, 'subscription', subscriptionId, 'subscription');
    const customer = optionalString(params, 'customer');
    if (customer !== undefined && customer !== subscription.customer) {
      throw invalidRequest(`The subscription ${subscription.id} does not belong to customer ${customer}.`, 'customer');
    }
    const details = optionalParams(params, 'subscription_details') ?? {};
    const param = (field: string) => `subscription_details[${field}]`;
    const preview = previewInvoice(ctx, subscription, {
      items: itemChanges(ctx, subscription, details, param('items')),
      prorationDate: prorationDate(
        subscription,
        optionalInteger(details, 'proration_date', param('proration_date')),
        ctx.clock.now(),
        param('proration_date'),
      ),
      prorationBehavior: oneOf(details, 'proration_behavior', PRORATION_BEHAVIORS, param('proration_behavior')),
    });
    return expand(ctx, preview, paths);
  });

  api.post('/v1/invoices/:id/pay', SUPPORTED.pay, ({ id, origin, expand: paths }) =>
    expand(ctx, payOpenInvoice(ctx, requireObject(ctx.store.invoices, 'invoice', id), origin), paths),
  );

  api.get('/v1/invoices/:id/lines', SUPPORTED.lines, ({ id, params, expand: paths }) => {
    const invoice = requireObject(ctx.store.invoices, 'invoice', id);
    // In their order on the invoice, not newest first; the cursors follow that order.
    return expand(ctx, paginate(invoice.lines.data, params, `/v1/invoices/${invoice.id}/lines`), paths);
  });

  // Static, so Fastify routes it before `/v1/invoices/:id`.
  api.get('/v1/invoices/search', SUPPORTED.search, ({ params, expand: paths }) =>
    expand(ctx, search(ctx.store.invoices.newestFirst(), params, INVOICE_SEARCH_FIELDS, '/v1/invoices/search'), paths),
  );

  api.get('/v1/invoices/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(ctx.store.invoices, 'invoice', id), paths),
  );

  // Metadata can change at any status on Stripe; the rest of an invoice is the subscription's doing.
  api.post('/v1/invoices/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const invoice = requireObject(ctx.store.invoices, 'invoice', id);
    const before = structuredClone(invoice);
    invoice.metadata = mergeMetadata(invoice.metadata ?? {}, metadataParam(params));
    const previous = changedAttributes(before, invoice);
    if (Object.keys(previous).length > 0) ctx.events.emit('invoice.updated', invoice, origin, previous);
    return expand(ctx, invoice, paths);
  });

  api.get('/v1/invoices', SUPPORTED.list, ({ params, expand: paths }) => {
    const customer = customerFilter(ctx.store, params);
    const subscription = optionalString(params, 'subscription');
    const status = optionalString(params, 'status');
    const invoices = ctx.store.invoices
      .newestFirst()
      .filter(
        (invoice) =>
          (customer === undefined || invoice.customer === customer) &&
          (subscription === undefined || invoice.parent?.subscription_details?.subscription === subscription) &&
          (status === undefined || invoice.status === status),
      );
    return expand(ctx, paginate(invoices, params, '/v1/invoices'), paths);
  });
}
