import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing, resourceMissing } from '../errors';
import { objectList, oneOf, optionalInteger, optionalParams, optionalString, type Params } from '../params';
import type { PortalConfiguration, PortalFlow, Subscription } from '../wire';
import { switchablePrices } from './portal-configurations';

/** The flow types the emulator's portal page can take a customer through. */
const FLOW_TYPES = [
  'payment_method_update',
  'subscription_cancel',
  'subscription_update',
  'subscription_update_confirm',
] as const;
type FlowType = (typeof FLOW_TYPES)[number];
type ConfirmedItem = NonNullable<PortalFlow['subscription_update_confirm']>['items'][number];
const AFTER_COMPLETION_TYPES = ['hosted_confirmation', 'portal_homepage', 'redirect'] as const;

/**
 * `flow_data` of `POST /v1/billing_portal/sessions` (stripe-node `SessionCreateParams.FlowData`;
 * https://docs.stripe.com/customer-management/portal-deep-links), checked against the customer and
 * the session's configuration before the session exists, and returned as the session's `flow`.
 */
export function portalFlow(
  ctx: EmulatorContext,
  params: Params,
  customer: string,
  configuration: PortalConfiguration,
): PortalFlow | null {
  const data = optionalParams(params, 'flow_data');
  if (!data) return null;
  const rawType = optionalString(data, 'type', 'flow_data[type]');
  if (rawType === undefined) throw parameterMissing('flow_data[type]');
  if (rawType === 'subscription_pause' || rawType === 'customer_update') {
    throw invalidParam(
      'flow_data[type]',
      `The emulator's portal does not provide the \`${rawType}\` flow. This value is valid on Stripe, but the emulator does not support it.`,
    );
  }
  const type = oneOf(data, 'type', FLOW_TYPES, 'flow_data[type]') as FlowType;
  const flow: PortalFlow = {
    after_completion: afterCompletion(data),
    customer_update: null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
    type,
  };
  const features = configuration.features;
  if (type === 'subscription_cancel') {
    // `retention` (a coupon offer) is not among the route's supported parameters.
    const subscription = flowSubscription(ctx, flowDetails(data, type), type, customer);
    if (!features.subscription_cancel.enabled) {
      throw invalidRequest(
        'The `subscription_cancel` flow needs `features.subscription_cancel.enabled` on the portal configuration.',
        'flow_data[type]',
      );
    }
    flow.subscription_cancel = { retention: null, subscription: subscription.id };
  } else if (type === 'subscription_update') {
    const subscription = flowSubscription(ctx, flowDetails(data, type), type, customer);
    requireUpdatesEnabled(configuration);
    flow.subscription_update = { subscription: subscription.id };
  } else if (type === 'subscription_update_confirm') {
    const details = flowDetails(data, type);
    const subscription = flowSubscription(ctx, details, type, customer);
    requireUpdatesEnabled(configuration);
    flow.subscription_update_confirm = {
      discounts: null,
      items: [confirmedItem(ctx, details, subscription, configuration)],
      subscription: subscription.id,
    };
  }
  return flow;
}

function afterCompletion(data: Params): PortalFlow['after_completion'] {
  const param = 'flow_data[after_completion]';
  const after = optionalParams(data, 'after_completion', param);
  if (!after) return { hosted_confirmation: null, redirect: null, type: 'portal_homepage' };
  const type = oneOf(after, 'type', AFTER_COMPLETION_TYPES, `${param}[type]`);
  if (type === undefined) throw parameterMissing(`${param}[type]`);
  if (type === 'redirect') {
    const redirect = optionalParams(after, 'redirect', `${param}[redirect]`);
    const returnUrl = redirect ? optionalString(redirect, 'return_url', `${param}[redirect][return_url]`) : undefined;
    if (!returnUrl) throw parameterMissing(`${param}[redirect][return_url]`);
    if (!URL.canParse(returnUrl)) throw invalidParam(`${param}[redirect][return_url]`, 'Not a valid URL');
    return { hosted_confirmation: null, redirect: { return_url: returnUrl }, type };
  }
  if (type === 'hosted_confirmation') {
    const confirmation = optionalParams(after, 'hosted_confirmation', `${param}[hosted_confirmation]`);
    const message = confirmation
      ? optionalString(confirmation, 'custom_message', `${param}[hosted_confirmation][custom_message]`)
      : undefined;
    return { hosted_confirmation: { custom_message: message ?? null }, redirect: null, type };
  }
  return { hosted_confirmation: null, redirect: null, type };
}

/** `flow_data[<type>]`, which Stripe requires for every subscription flow. */
function flowDetails(data: Params, type: FlowType): Params {
  const details = optionalParams(data, type, `flow_data[${type}]`);
  if (!details) throw parameterMissing(`flow_data[${type}]`);
  return details;
}

function flowSubscription(ctx: EmulatorContext, details: Params, type: FlowType, customer: string): Subscription {
  const param = `flow_data[${type}][subscription]`;
  const id = optionalString(details, 'subscription', param);
  if (!id) throw parameterMissing(param);
  const subscription = ctx.store.subscriptions.get(id);
  if (!subscription) throw resourceMissing('subscription', id, param, 400);
  if (subscription.customer !== customer) {
    throw invalidParam(param, `The subscription \`${id}\` does not belong to the customer \`${customer}\`.`);
  }
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw invalidParam(param, `The subscription \`${id}\` has ended, so this flow cannot be used with it.`);
  }
  return subscription;
}

function requireUpdatesEnabled(configuration: PortalConfiguration): void {
  const update = configuration.features.subscription_update;
  if (update.enabled && update.default_allowed_updates.includes('price')) return;
  throw invalidRequest(
    'Subscription update flows need `features.subscription_update.enabled` with `price` in `default_allowed_updates` on the portal configuration.',
    'flow_data[type]',
  );
}

/** `items`: one item of the subscription and the price (in the configuration) it moves to. */
function confirmedItem(
  ctx: EmulatorContext,
  details: Params,
  subscription: Subscription,
  configuration: PortalConfiguration,
): ConfirmedItem {
  const listParam = 'flow_data[subscription_update_confirm][items]';
  const items = objectList(details, 'items');
  if (items.length === 0) throw parameterMissing(listParam);
  if (items.length > 1) {
    throw invalidParam(listParam, 'Currently, only one subscription item can be updated through this flow.');
  }
  const [item] = items as [Params];
  const param = (field: string) => `${listParam}[0][${field}]`;
  const id = optionalString(item, 'id', param('id'));
  if (!id) throw parameterMissing(param('id'));
  if (!subscription.items.data.some((candidate) => candidate.id === id)) {
    throw resourceMissing('subscription item', id, param('id'), 400);
  }
  const priceId = optionalString(item, 'price', param('price'));
  if (priceId !== undefined && !switchablePrices(ctx, configuration).some((price) => price.id === priceId)) {
    throw invalidParam(
      param('price'),
      `The price \`${priceId}\` is not in the configuration's \`features.subscription_update.products\`.`,
    );
  }
  const quantity = optionalInteger(item, 'quantity', param('quantity'));
  if (quantity !== undefined && quantity !== 1) {
    throw invalidParam(
      param('quantity'),
      "The emulator's portal does not change quantities. This parameter is valid on Stripe, but the emulator does not support it.",
    );
  }
  return { id, price: priceId ?? null, ...(quantity !== undefined ? { quantity } : {}) };
}
