import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing, resourceMissing } from '../errors';
import { buildPortalConfiguration, type PortalProduct } from '../objects/portal-configuration';
import {
  mergeMetadata,
  metadataParam,
  objectList,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalParams,
  optionalString,
  type Params,
  stringList,
} from '../params';
import type { PortalConfiguration, Price } from '../wire';
import { PRORATION_BEHAVIORS } from './prorations';

const CANCEL_MODES = ['at_period_end', 'immediately'] as const;
const ALLOWED_UPDATES = ['price', 'quantity', 'promotion_code'] as const;
const CUSTOMER_UPDATES = ['address', 'email', 'name', 'phone', 'shipping', 'tax_id'] as const;
const CANCELLATION_REASONS = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;
const TRIAL_UPDATE_BEHAVIORS = ['continue_trial', 'end_trial'] as const;

/**
 * The account's default configuration: on Stripe, what the Dashboard's portal settings saved. The
 * emulator's "saved settings" are made the first time a configuration is needed: invoices, payment
 * method, cancel at period end, and a plan switch between every active recurring price on offer
 * then, prorated. An app can change it with `POST /v1/billing_portal/configurations/:id`.
 */
export function defaultPortalConfiguration(ctx: EmulatorContext): PortalConfiguration {
  const existing = ctx.store.portalConfigurations.all().find((configuration) => configuration.is_default);
  if (existing) return existing;
  const configuration = buildPortalConfiguration(ctx.clock.now(), true);
  const products = ctx.store.products
    .all()
    .filter((product) => product.active)
    .map((product) => ({
      adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
      product: product.id,
      prices: ctx.store.prices
        .all()
        .filter((price) => price.product === product.id && price.active && price.type === 'recurring')
        .map((price) => price.id),
    }))
    .filter((product) => product.prices.length > 0);
  const { features } = configuration;
  features.invoice_history.enabled = true;
  features.payment_method_update.enabled = true;
  features.customer_update = { allowed_updates: ['email'], enabled: true };
  features.subscription_cancel.enabled = true;
  features.subscription_update = {
    ...features.subscription_update,
    enabled: products.length > 0,
    default_allowed_updates: products.length > 0 ? ['price'] : [],
    products,
    proration_behavior: 'create_prorations',
  };
  return ctx.store.portalConfigurations.insert(configuration);
}

/** A session's `configuration`: the one named (400 `resource_missing` if unknown or inactive) or the default. */
export function sessionConfiguration(ctx: EmulatorContext, id: string | undefined): PortalConfiguration {
  if (id === undefined) return defaultPortalConfiguration(ctx);
  const configuration = ctx.store.portalConfigurations.get(id);
  if (!configuration) throw resourceMissing('configuration', id, 'configuration', 400);
  if (!configuration.active) {
    throw invalidRequest(
      `The configuration \`${id}\` is inactive. Activate it or use another configuration.`,
      'configuration',
    );
  }
  return configuration;
}

/** The prices a configuration lets a customer switch to, in the order it lists them. */
export function switchablePrices(ctx: EmulatorContext, configuration: PortalConfiguration): Price[] {
  const update = configuration.features.subscription_update;
  if (!update.enabled || !update.default_allowed_updates.includes('price')) return [];
  return (update.products ?? []).flatMap((product) =>
    product.prices.flatMap((id) => {
      const price = ctx.store.prices.get(id);
      return price?.active ? [price] : [];
    }),
  );
}

/**
 * Applies the parameters of `POST /v1/billing_portal/configurations[/:id]` (stripe-node's
 * `ConfigurationCreateParams` / `ConfigurationUpdateParams`). Features the emulator's page does
 * not provide (pausing, a login page, scheduling changes at period end, resetting the billing
 * cycle) answer a 400 that says so rather than being stored and ignored.
 */
export function applyConfigurationParams(
  ctx: EmulatorContext,
  configuration: PortalConfiguration,
  params: Params,
  creating: boolean,
): PortalConfiguration {
  const features = optionalParams(params, 'features');
  if (creating && !features) throw parameterMissing('features');
  const next = structuredClone(configuration);
  if (!creating) {
    const active = optionalBoolean(params, 'active');
    if (active === false && configuration.is_default) {
      throw invalidRequest('The default configuration cannot be deactivated.', 'active');
    }
    if (active !== undefined) next.active = active;
  }
  const profile = optionalParams(params, 'business_profile');
  if (profile) {
    for (const field of ['headline', 'privacy_policy_url', 'terms_of_service_url'] as const) {
      const value = optionalString(profile, field, `business_profile[${field}]`);
      if (value !== undefined) next.business_profile[field] = value === '' ? null : value;
    }
  }
  const returnUrl = optionalString(params, 'default_return_url');
  if (returnUrl !== undefined) next.default_return_url = returnUrl === '' ? null : returnUrl;
  const name = optionalString(params, 'name');
  if (name !== undefined) next.name = name === '' ? null : name;
  next.metadata = mergeMetadata(next.metadata ?? {}, metadataParam(params));
  const loginPage = optionalParams(params, 'login_page');
  if (loginPage && optionalBoolean(loginPage, 'enabled', 'login_page[enabled]')) {
    throw unsupported('login_page[enabled]', 'The emulator has no portal login page.');
  }
  if (features) applyFeatures(ctx, next, features);
  next.updated = ctx.clock.now();
  Object.assign(configuration, next);
  return configuration;
}

function applyFeatures(ctx: EmulatorContext, configuration: PortalConfiguration, features: Params): void {
  const target = configuration.features;
  const param = (feature: string, field?: string) =>
    field === undefined ? `features[${feature}]` : `features[${feature}][${field}]`;
  const enabled = (feature: Params, name: string) => optionalBoolean(feature, 'enabled', param(name, 'enabled'));

  const customerUpdate = optionalParams(features, 'customer_update', param('customer_update'));
  if (customerUpdate) {
    target.customer_update.enabled = enabled(customerUpdate, 'customer_update') ?? target.customer_update.enabled;
    const allowed = enumList(customerUpdate, 'allowed_updates', CUSTOMER_UPDATES, param('customer_update'));
    if (allowed) target.customer_update.allowed_updates = allowed;
  }
  const invoiceHistory = optionalParams(features, 'invoice_history', param('invoice_history'));
  if (invoiceHistory) target.invoice_history.enabled = requiredBoolean(invoiceHistory, param('invoice_history'));
  const paymentMethod = optionalParams(features, 'payment_method_update', param('payment_method_update'));
  if (paymentMethod)
    target.payment_method_update.enabled = requiredBoolean(paymentMethod, param('payment_method_update'));

  const cancel = optionalParams(features, 'subscription_cancel', param('subscription_cancel'));
  if (cancel) {
    const feature = target.subscription_cancel;
    feature.enabled = enabled(cancel, 'subscription_cancel') ?? feature.enabled;
    feature.mode = oneOf(cancel, 'mode', CANCEL_MODES, param('subscription_cancel', 'mode')) ?? feature.mode;
    feature.proration_behavior =
      oneOf(cancel, 'proration_behavior', PRORATION_BEHAVIORS, param('subscription_cancel', 'proration_behavior')) ??
      feature.proration_behavior;
    const reason = optionalParams(cancel, 'cancellation_reason', param('subscription_cancel', 'cancellation_reason'));
    if (reason) {
      const reasonParam = param('subscription_cancel', 'cancellation_reason');
      feature.cancellation_reason.enabled = requiredBoolean(reason, reasonParam);
      const options = enumList(reason, 'options', CANCELLATION_REASONS, reasonParam);
      if (options) feature.cancellation_reason.options = options;
    }
  }

  const pause = optionalParams(features, 'subscription_pause', param('subscription_pause'));
  if (pause && enabled(pause, 'subscription_pause')) {
    throw unsupported(param('subscription_pause', 'enabled'), 'The emulator’s portal cannot pause subscriptions.');
  }

  const update = optionalParams(features, 'subscription_update', param('subscription_update'));
  if (update) applySubscriptionUpdate(ctx, configuration, update);
  if (target.subscription_update.enabled && (target.subscription_update.products ?? []).length === 0) {
    throw invalidParam(
      param('subscription_update', 'products'),
      'To enable subscription updates, you must also specify the products and prices customers can switch to.',
    );
  }
}

function applySubscriptionUpdate(ctx: EmulatorContext, configuration: PortalConfiguration, update: Params): void {
  const feature = configuration.features.subscription_update;
  const param = (field: string) => `features[subscription_update][${field}]`;
  feature.enabled = optionalBoolean(update, 'enabled', param('enabled')) ?? feature.enabled;
  const allowed = enumList(update, 'default_allowed_updates', ALLOWED_UPDATES, 'features[subscription_update]');
  if (allowed) feature.default_allowed_updates = allowed;
  feature.proration_behavior =
    oneOf(update, 'proration_behavior', PRORATION_BEHAVIORS, param('proration_behavior')) ?? feature.proration_behavior;
  feature.trial_update_behavior =
    oneOf(update, 'trial_update_behavior', TRIAL_UPDATE_BEHAVIORS, param('trial_update_behavior')) ??
    feature.trial_update_behavior;
  if (update.products !== undefined) feature.products = portalProducts(ctx, update);
  const anchor = optionalString(update, 'billing_cycle_anchor', param('billing_cycle_anchor'));
  if (anchor !== undefined && anchor !== 'unchanged') {
    throw unsupported(param('billing_cycle_anchor'), 'The emulator’s portal keeps the billing cycle (`unchanged`).');
  }
  const schedule = optionalParams(update, 'schedule_at_period_end', param('schedule_at_period_end'));
  if (schedule && objectList(schedule, 'conditions').length > 0) {
    throw unsupported(
      param('schedule_at_period_end'),
      'The emulator’s portal applies every plan switch at once; it does not schedule changes at period end.',
    );
  }
}

/** `features[subscription_update][products][i]`: each product and price must exist, prices recurring and the product's. */
function portalProducts(ctx: EmulatorContext, update: Params): PortalProduct[] {
  return objectList(update, 'products').map((entry, index) => {
    const param = (field: string) => `features[subscription_update][products][${index}][${field}]`;
    const productId = optionalString(entry, 'product', param('product'));
    if (!productId) throw parameterMissing(param('product'));
    if (!ctx.store.products.get(productId)) throw resourceMissing('product', productId, param('product'), 400);
    const prices = stringList(entry, 'prices');
    if (prices.length === 0) throw parameterMissing(param('prices'));
    for (const priceId of prices) {
      const price = ctx.store.prices.get(priceId);
      if (!price) throw resourceMissing('price', priceId, param('prices'), 400);
      if (price.product !== productId) {
        throw invalidParam(
          param('prices'),
          `The price \`${priceId}\` does not belong to the product \`${productId}\`.`,
        );
      }
      if (price.type !== 'recurring') {
        throw invalidParam(param('prices'), `The price \`${priceId}\` is not recurring.`);
      }
    }
    const quantity = optionalParams(entry, 'adjustable_quantity', param('adjustable_quantity'));
    if (quantity && optionalBoolean(quantity, 'enabled', `${param('adjustable_quantity')}[enabled]`)) {
      throw unsupported(
        param('adjustable_quantity'),
        'The emulator’s portal does not let customers change quantities.',
      );
    }
    const minimum = quantity
      ? optionalInteger(quantity, 'minimum', `${param('adjustable_quantity')}[minimum]`)
      : undefined;
    return {
      adjustable_quantity: { enabled: false, maximum: null, minimum: minimum ?? 1 },
      product: productId,
      prices,
    };
  });
}

function requiredBoolean(feature: Params, param: string): boolean {
  const value = optionalBoolean(feature, 'enabled', `${param}[enabled]`);
  if (value === undefined) throw parameterMissing(`${param}[enabled]`);
  return value;
}

/** An enum array such as `allowed_updates[]`; `""` empties it. */
function enumList<T extends string>(
  params: Params,
  key: string,
  values: readonly T[],
  parent: string,
): T[] | undefined {
  if (params[key] === undefined) return undefined;
  return stringList(params, key).map((value, index) => {
    if (!(values as readonly string[]).includes(value)) {
      throw invalidParam(`${parent}[${key}][${index}]`, `Invalid ${key}: must be one of ${values.join(', ')}`);
    }
    return value as T;
  });
}

function unsupported(param: string, why: string) {
  return invalidParam(param, `${why} This parameter is valid on Stripe, but the emulator does not support it.`);
}
