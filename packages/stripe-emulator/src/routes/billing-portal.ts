import type { ApiRoutes } from '../api';
import {
  applyConfigurationParams,
  defaultPortalConfiguration,
  sessionConfiguration,
} from '../billing/portal-configurations';
import { portalFlow } from '../billing/portal-flows';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { buildPortalConfiguration } from '../objects/portal-configuration';
import { buildPortalSession } from '../objects/portal-session';
import { optionalBoolean, optionalString, requiredString } from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

/**
 * What `applyConfigurationParams` reads. `features.subscription_pause.enabled`, `login_page`,
 * `billing_cycle_anchor`, `schedule_at_period_end` and `adjustable_quantity` are read to refuse the
 * values the emulator's portal cannot honour.
 */
const CONFIGURATION_PARAMS = [
  'business_profile',
  'default_return_url',
  'features.customer_update',
  'features.invoice_history',
  'features.payment_method_update.enabled',
  'features.subscription_cancel.enabled',
  'features.subscription_cancel.mode',
  'features.subscription_cancel.proration_behavior',
  'features.subscription_cancel.cancellation_reason.enabled',
  'features.subscription_cancel.cancellation_reason.options',
  'features.subscription_pause.enabled',
  'features.subscription_update.enabled',
  'features.subscription_update.default_allowed_updates',
  'features.subscription_update.proration_behavior',
  'features.subscription_update.trial_update_behavior',
  'features.subscription_update.products.product',
  'features.subscription_update.products.prices',
  'features.subscription_update.products.adjustable_quantity.enabled',
  'features.subscription_update.products.adjustable_quantity.minimum',
  'features.subscription_update.billing_cycle_anchor',
  'features.subscription_update.schedule_at_period_end',
  'login_page',
  'metadata',
  'name',
];

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  createSession: {
    supports: [
      'customer',
      'configuration',
      'return_url',
      'flow_data.type',
      'flow_data.after_completion',
      'flow_data.subscription_cancel.subscription',
      'flow_data.subscription_update.subscription',
      'flow_data.subscription_update_confirm.subscription',
      'flow_data.subscription_update_confirm.items',
    ],
  },
  createConfiguration: { supports: CONFIGURATION_PARAMS },
  retrieveConfiguration: { supports: [] },
  updateConfiguration: { supports: ['active', ...CONFIGURATION_PARAMS] },
  listConfigurations: { supports: [...LIST_PARAMS, 'active', 'is_default'] },
} satisfies Record<string, RouteSpec>;

/** `/v1/billing_portal/sessions` and `/v1/billing_portal/configurations`, as stripe-node's `billingPortal` calls them. */
export function registerBillingPortalRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/billing_portal/sessions', SUPPORTED.createSession, ({ params, expand: paths }) => {
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

  api.post('/v1/billing_portal/configurations', SUPPORTED.createConfiguration, ({ params, expand: paths }) => {
    // The account's default exists before any configuration an app creates, as on Stripe.
    defaultPortalConfiguration(ctx);
    const configuration = applyConfigurationParams(ctx, buildPortalConfiguration(ctx.clock.now(), false), params, true);
    return expand(ctx, store.portalConfigurations.insert(configuration), paths);
  });

  api.get('/v1/billing_portal/configurations/:id', SUPPORTED.retrieveConfiguration, ({ id, expand: paths }) => {
    defaultPortalConfiguration(ctx);
    return expand(ctx, requireObject(store.portalConfigurations, 'configuration', id), paths);
  });

  api.post('/v1/billing_portal/configurations/:id', SUPPORTED.updateConfiguration, ({ id, params, expand: paths }) => {
    defaultPortalConfiguration(ctx);
    const configuration = requireObject(store.portalConfigurations, 'configuration', id);
    return expand(ctx, applyConfigurationParams(ctx, configuration, params, false), paths);
  });

  api.get('/v1/billing_portal/configurations', SUPPORTED.listConfigurations, ({ params, expand: paths }) => {
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
