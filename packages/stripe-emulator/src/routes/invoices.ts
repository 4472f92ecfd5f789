import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { paginate } from '../list';
import { optionalString } from '../params';
import { requireObject } from './lookup';

/** Read-only: invoices are created by subscriptions, never directly. */
export function registerInvoiceRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  api.get('/v1/invoices/:id', ({ id, expand: paths }) =>
    expand(ctx, requireObject(ctx.store.invoices, 'invoice', id), paths),
  );

  api.get('/v1/invoices', ({ params, expand: paths }) => {
    const customer = optionalString(params, 'customer');
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
