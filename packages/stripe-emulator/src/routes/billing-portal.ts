import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { buildPortalSession } from '../objects/portal-session';
import { optionalString, requiredString } from '../params';
import { requireObject } from './lookup';

export function registerBillingPortalRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  api.post('/v1/billing_portal/sessions', ({ params, expand: paths }) => {
    const customer = requireObject(ctx.store.customers, 'customer', requiredString(params, 'customer'), 'customer');
    const session = ctx.store.portalSessions.insert(
      buildPortalSession({
        customer: customer.id,
        returnUrl: optionalString(params, 'return_url') ?? null,
        publicUrl: ctx.publicUrl(),
        created: ctx.clock.now(),
      }),
    );
    return expand(ctx, session, paths);
  });
}
