import type { ApiRoutes } from '../api';
import { expireCheckoutSession } from '../billing/checkout';
import { assertRedeemable, couponOf, discountSession, type SessionDiscount } from '../billing/promotions';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing } from '../errors';
import { checkoutLineItems, expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { billingModeParam, DEFAULT_BILLING_MODE } from '../objects/billing-mode';
import { buildCheckoutSession, buildLineItem, PAYMENT_METHOD_COLLECTIONS } from '../objects/checkout-session';
import { promotionCouponId } from '../objects/coupon';
import { MISSING_PAYMENT_METHOD_BEHAVIORS, type MissingPaymentMethodBehavior } from '../objects/subscription';
import {
  metadataParam,
  objectList,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalParams,
  optionalString,
  type Params,
  requiredString,
} from '../params';
import type { RouteSpec } from '../strictness';
import type { CheckoutLineItem } from '../wire';
import { requireObject } from './lookup';

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: [
      'mode',
      'line_items.price',
      'line_items.quantity',
      'customer',
      'customer_email',
      'client_reference_id',
      'success_url',
      'cancel_url',
      'expires_at',
      'metadata',
      'allow_promotion_codes',
      // Accepted with their effect: the hosted page collects no name or address, so there is nothing
      // to save to the customer, and it is written in English whatever the locale.
      'customer_update.name',
      'customer_update.address',
      'locale',
      'discounts.coupon',
      'discounts.promotion_code',
      'subscription_data.trial_period_days',
      'subscription_data.trial_settings.end_behavior.missing_payment_method',
      'payment_method_collection',
      'subscription_data.billing_mode',
      'subscription_data.metadata',
    ],
  },
  retrieve: { supports: [] },
  lineItems: { supports: LIST_PARAMS },
  expire: { supports: [] },
  list: { supports: [...LIST_PARAMS, 'customer', 'subscription', 'status'] },
} satisfies Record<string, RouteSpec>;

export function registerCheckoutSessionRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/checkout/sessions', SUPPORTED.create, ({ params, expand: paths }) => {
    const mode = requiredString(params, 'mode');
    if (mode !== 'payment' && mode !== 'subscription') {
      throw invalidParam('mode', `Invalid mode: the emulator supports "payment" and "subscription", not "${mode}".`);
    }
    const lineItems = lineItemsParam(ctx, params, mode);
    const customer = optionalString(params, 'customer');
    const customerEmail = optionalString(params, 'customer_email');
    if (customer && customerEmail) {
      throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
    }
    if (customer) requireObject(store.customers, 'customer', customer, 'customer');
    customerUpdateParam(params, customer);
    const subscriptionData = optionalParams(params, 'subscription_data');
    if (subscriptionData && mode !== 'subscription') {
      throw invalidRequest('You can only specify `subscription_data` in `subscription` mode.', 'subscription_data');
    }
    const trialPeriodDays = subscriptionData
      ? optionalInteger(subscriptionData, 'trial_period_days', 'subscription_data[trial_period_days]')
      : undefined;
    if (trialPeriodDays !== undefined && trialPeriodDays < 1) {
      throw invalidParam(
        'subscription_data[trial_period_days]',
        'The trial period must be at least 1 day.',
        'parameter_invalid_integer',
      );
    }
    const missingPaymentMethod = subscriptionData ? trialEndBehaviorParam(subscriptionData) : undefined;
    const paymentMethodCollection = oneOf(params, 'payment_method_collection', PAYMENT_METHOD_COLLECTIONS);
    if (paymentMethodCollection && mode !== 'subscription') {
      // Stripe: "Can only be set in subscription mode" (Checkout session create, payment_method_collection).
      throw invalidParam(
        'payment_method_collection',
        '`payment_method_collection` can only be set in `subscription` mode.',
      );
    }
    const billingMode = subscriptionData
      ? billingModeParam(subscriptionData, 'billing_mode', 'subscription_data[billing_mode]')
      : undefined;
    const subscriptionMetadata = subscriptionData
      ? metadataParam(subscriptionData, 'metadata', 'subscription_data[metadata]')
      : undefined;
    const now = ctx.clock.now();
    const expiresAt = optionalInteger(params, 'expires_at') ?? now + MAX_EXPIRY_SECONDS;
    if (expiresAt < now + MIN_EXPIRY_SECONDS) {
      throw invalidParam(
        'expires_at',
        'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
        'parameter_invalid_integer',
      );
    }
    if (expiresAt > now + MAX_EXPIRY_SECONDS) {
      throw invalidParam(
        'expires_at',
        'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
        'parameter_invalid_integer',
      );
    }
    const allowPromotionCodes = optionalBoolean(params, 'allow_promotion_codes') ?? null;
    const discount = discountParam(ctx, params, customer ?? null);
    if (discount && allowPromotionCodes !== null) {
      // Stripe's wording (stripe/stripe-php#1731): one discount at a time, chosen by us or by the customer.
      throw invalidRequest('You may only specify one of these parameters: allow_promotion_codes, discounts.');
    }
    const clientReferenceId = optionalString(params, 'client_reference_id') ?? null;
    if (clientReferenceId !== null && clientReferenceId.length > 200) {
      throw invalidParam('client_reference_id', 'client_reference_id must be at most 200 characters.');
    }

    const session = store.checkoutSessions.insert(
      buildCheckoutSession({
        mode,
        lineItems,
        customer: customer ?? null,
        customerEmail: customerEmail ?? null,
        clientReferenceId,
        successUrl: optionalString(params, 'success_url') ?? null,
        cancelUrl: optionalString(params, 'cancel_url') ?? null,
        metadata: metadataParam(params) ?? {},
        allowPromotionCodes,
        paymentMethodCollection: paymentMethodCollection ?? 'always',
        created: now,
        expiresAt,
        publicUrl: ctx.publicUrl(),
      }),
    );
    store.checkoutLineItems.set(session.id, lineItems);
    if (discount) discountSession(ctx, session, discount);
    if (mode === 'subscription') {
      store.checkoutSubscriptionData.set(session.id, {
        metadata: subscriptionMetadata ?? {},
        trialPeriodDays: trialPeriodDays ?? null,
        billingMode: billingMode ?? DEFAULT_BILLING_MODE,
        missingPaymentMethod: missingPaymentMethod ?? 'create_invoice',
      });
    }
    // Stripe sends no event for a new session.
    return expand(ctx, session, paths);
  });

  api.get('/v1/checkout/sessions/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.checkoutSessions, 'checkout.session', id), paths),
  );

  api.get('/v1/checkout/sessions/:id/line_items', SUPPORTED.lineItems, ({ id, params, expand: paths }) => {
    requireObject(store.checkoutSessions, 'checkout.session', id);
    const { data } = checkoutLineItems(ctx, id);
    return expand(ctx, paginate(data, params, `/v1/checkout/sessions/${id}/line_items`), paths);
  });

  api.post('/v1/checkout/sessions/:id/expire', SUPPORTED.expire, ({ id, origin, expand: paths }) => {
    const session = requireObject(store.checkoutSessions, 'checkout.session', id);
    return expand(ctx, expireCheckoutSession(ctx, session, origin), paths);
  });

  api.get('/v1/checkout/sessions', SUPPORTED.list, ({ params, expand: paths }) => {
    const customer = optionalString(params, 'customer');
    const subscription = optionalString(params, 'subscription');
    const status = optionalString(params, 'status');
    const sessions = store.checkoutSessions
      .newestFirst()
      .filter(
        (session) =>
          (customer === undefined || session.customer === customer) &&
          (subscription === undefined || session.subscription === subscription) &&
          (status === undefined || session.status === status),
      );
    return expand(ctx, paginate(sessions, params, '/v1/checkout/sessions'), paths);
  });
}

/**
 * `discounts[0][coupon]` or `discounts[0][promotion_code]` (Checkout takes one discount), checked
 * for existence and redeemability now, as Stripe refuses a session it could not honour.
 */
function discountParam(ctx: EmulatorContext, params: Params, customer: string | null): SessionDiscount | null {
  const entries = objectList(params, 'discounts');
  if (entries.length === 0) return null;
  if (entries.length > 1) throw invalidParam('discounts', 'You may only specify one discount for a Checkout Session.');
  const [entry = {}] = entries;
  const couponId = optionalString(entry, 'coupon', 'discounts[0][coupon]');
  const promotionId = optionalString(entry, 'promotion_code', 'discounts[0][promotion_code]');
  if (couponId && promotionId) {
    throw invalidRequest('You may only specify one of these parameters: coupon, promotion_code.', 'discounts[0]');
  }
  let discount: SessionDiscount;
  if (promotionId) {
    const param = 'discounts[0][promotion_code]';
    const promotionCode = requireObject(ctx.store.promotionCodes, 'promotion code', promotionId, param);
    discount = { coupon: couponOf(ctx, promotionCouponId(promotionCode)), promotionCode };
    assertRedeemable(ctx, discount, param);
    if (promotionCode.customer !== null && promotionCode.customer !== customer) {
      throw invalidRequest('This promotion code cannot be redeemed by this customer.', param);
    }
  } else if (couponId) {
    const param = 'discounts[0][coupon]';
    discount = { coupon: requireObject(ctx.store.coupons, 'coupon', couponId, param), promotionCode: null };
    assertRedeemable(ctx, discount, param);
  } else {
    throw parameterMissing('discounts[0][promotion_code]');
  }
  return discount;
}

/**
 * `subscription_data[trial_settings][end_behavior][missing_payment_method]`: the one trial setting
 * Checkout takes (stripe-node `SessionCreateParams.SubscriptionData.TrialSettings`).
 */
function trialEndBehaviorParam(subscriptionData: Params): MissingPaymentMethodBehavior | undefined {
  const prefix = 'subscription_data[trial_settings]';
  const settings = optionalParams(subscriptionData, 'trial_settings', prefix);
  if (!settings) return undefined;
  const endBehavior = optionalParams(settings, 'end_behavior', `${prefix}[end_behavior]`);
  if (!endBehavior) throw parameterMissing(`${prefix}[end_behavior]`);
  const param = `${prefix}[end_behavior][missing_payment_method]`;
  const behavior = oneOf(endBehavior, 'missing_payment_method', MISSING_PAYMENT_METHOD_BEHAVIORS, param);
  if (!behavior) throw parameterMissing(param);
  return behavior;
}

/** Resolves `line_items[i][price]` against the catalog and checks each price fits the mode. */
function lineItemsParam(ctx: EmulatorContext, params: Params, mode: 'payment' | 'subscription'): CheckoutLineItem[] {
  const entries = objectList(params, 'line_items');
  if (entries.length === 0) throw parameterMissing('line_items');
  if (entries.length > 100) throw invalidParam('line_items', 'A Checkout Session can have at most 100 line items.');
  const items = entries.map((entry, index) => {
    const param = `line_items[${index}][price]`;
    const price = requireObject(ctx.store.prices, 'price', requiredString(entry, 'price', param), param);
    if (!price.active)
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', param);
    if (mode === 'subscription' && price.type !== 'recurring') {
      throw invalidRequest(
        `The price specified (\`${price.id}\`) is a one-time price, but \`subscription\` mode only accepts recurring prices. Use \`payment\` mode for one-time prices.`,
        param,
      );
    }
    if (mode === 'payment' && price.type === 'recurring') {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        param,
      );
    }
    const quantity = optionalInteger(entry, 'quantity', `line_items[${index}][quantity]`) ?? 1;
    if (quantity < 1)
      throw invalidParam(`line_items[${index}][quantity]`, 'Quantity must be at least 1.', 'parameter_invalid_integer');
    const product = typeof price.product === 'string' ? ctx.store.products.get(price.product) : undefined;
    return buildLineItem(price, product, quantity);
  });
  const currencies = new Set(items.map((item) => item.currency));
  if (currencies.size > 1)
    throw invalidParam('line_items', 'All prices in a Checkout Session must use the same currency.');
  return items;
}

/**
 * `customer_update[name|address]` (`auto` or `never`): what Checkout saves to an existing customer.
 * Stripe allows it only with `customer`.
 */
function customerUpdateParam(params: Params, customer: string | undefined): void {
  const update = optionalParams(params, 'customer_update');
  if (!update) return;
  if (!customer) throw invalidRequest('`customer_update` can only be used with `customer`.', 'customer_update');
  for (const field of ['name', 'address'] as const) {
    oneOf(update, field, ['auto', 'never'] as const, `customer_update[${field}]`);
  }
}
