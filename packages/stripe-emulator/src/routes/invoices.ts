import type { ApiRoutes } from '../api';
import { payOpenInvoice } from '../billing/invoicing';
import { previewInvoice } from '../billing/preview';
import { PRORATION_BEHAVIORS, prorationDate } from '../billing/prorations';
import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { oneOf, optionalInteger, optionalParams, optionalString } from '../params';
import type { RouteSpec } from '../strictness';
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
  pay: { supports: [] },
  lines: { supports: LIST_PARAMS },
  list: { supports: [...LIST_PARAMS, 'customer', 'subscription', 'status'] },
} satisfies Record<string, RouteSpec>;

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

  api.get('/v1/invoices/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(ctx.store.invoices, 'invoice', id), paths),
  );

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
