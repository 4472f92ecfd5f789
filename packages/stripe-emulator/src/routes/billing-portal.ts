import type { ApiRoutes } from '../api';
import {
  applyConfigurationParams,
  defaultPortalConfiguration,
  sessionConfiguration,
} from '../billing/portal-configurations';
import { portalFlow } from '../billing/portal-flows';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { paginate } from '../list';
import { buildPortalConfiguration } from '../objects/portal-configuration';
import { buildPortalSession } from '../objects/portal-session';
import { optionalBoolean, optionalString, requiredString } from '../params';
import { requireObject } from './lookup';

/** `/v1/billing_portal/sessions` and `/v1/billing_portal/configurations`, as stripe-node's `billingPortal` calls them. */
export function registerBillingPortalRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/billing_portal/sessions', ({ params, expand: paths }) => {
    const customer = requireObject(store.customers, 'customer', requiredString(params, 'customer'), 'customer');
    const configuration = sessionConfiguration(ctx, optionalString(params, 'configuration'));
    const flow = portalFlow(ctx, params, customer.id, configuration);
    const session = store.portalSessions.insert(
      buildPortalSession({
        customer: customer.id,
        configuration: configuration.id,
        flow,
        returnUrl: optionalString(params, 'return_url') ?? configuration.default_return_url,
        publicUrl: ctx.publicUrl(),
        created: ctx.clock.now(),
      }),
    );
    return expand(ctx, session, paths);
  });

  api.post('/v1/billing_portal/configurations', ({ params, expand: paths }) => {
    // The account's default exists before any configuration an app creates, as on Stripe.
    defaultPortalConfiguration(ctx);
    const configuration = applyConfigurationParams(ctx, buildPortalConfiguration(ctx.clock.now(), false), params, true);
    return expand(ctx, store.portalConfigurations.insert(configuration), paths);
  });

  api.get('/v1/billing_portal/configurations/:id', ({ id, expand: paths }) => {
    defaultPortalConfiguration(ctx);
    return expand(ctx, requireObject(store.portalConfigurations, 'configuration', id), paths);
  });

  api.post('/v1/billing_portal/configurations/:id', ({ id, params, expand: paths }) => {
    defaultPortalConfiguration(ctx);
    const configuration = requireObject(store.portalConfigurations, 'configuration', id);
    return expand(ctx, applyConfigurationParams(ctx, configuration, params, false), paths);
  });

  api.get('/v1/billing_portal/configurations', ({ params, expand: paths }) => {
    defaultPortalConfiguration(ctx);
    const active = optionalBoolean(params, 'active');
    const isDefault = optionalBoolean(params, 'is_default');
    const configurations = store.portalConfigurations
      .newestFirst()
      .filter(
        (configuration) =>
          (active === undefined || configuration.active === active) &&
          (isDefault === undefined || configuration.is_default === isDefault),
      );
    return expand(ctx, paginate(configurations, params, '/v1/billing_portal/configurations'), paths);
  });
}
