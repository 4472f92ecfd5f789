import type { ApiRoutes } from '../api';
import { refreshPromotionCode, sameCode } from '../billing/promotions';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing } from '../errors';
import { changedAttributes } from '../events';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { buildPromotionCode, promotionCouponId, refreshCouponValidity } from '../objects/coupon';
import {
  mergeMetadata,
  metadataParam,
  optionalBoolean,
  optionalInteger,
  optionalParams,
  optionalString,
  requiredString,
} from '../params';
import type { RouteSpec } from '../strictness';
import { positiveInteger } from './coupons';
import { requireObject } from './lookup';

/** stripe-node: "Valid characters are lower case letters (a-z), upper case letters (A-Z), digits (0-9), and dashes (-)." */
const CODE_PATTERN = /^[a-zA-Z0-9-]{1,500}$/;

/**
 * `/v1/promotion_codes`, after stripe-node's `PromotionCodeResource` for the pinned API version
 * (create with `promotion[type]=coupon` + `promotion[coupon]`, retrieve, update, list).
 */

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: [
      'promotion.type',
      'promotion.coupon',
      'code',
      'active',
      'customer',
      'expires_at',
      'max_redemptions',
      'restrictions.first_time_transaction',
      'restrictions.minimum_amount',
      'restrictions.minimum_amount_currency',
      'metadata',
    ],
  },
  retrieve: { supports: [] },
  update: { supports: ['active', 'metadata'] },
  list: { supports: [...LIST_PARAMS, 'code', 'active', 'coupon', 'customer'] },
} satisfies Record<string, RouteSpec>;

export function registerPromotionCodeRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;
  const fresh = (code: Parameters<typeof refreshPromotionCode>[1]) => refreshPromotionCode(ctx, code);

  api.post('/v1/promotion_codes', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const promotion = optionalParams(params, 'promotion');
    if (!promotion) throw parameterMissing('promotion');
    if (requiredString(promotion, 'type', 'promotion[type]') !== 'coupon') {
      throw invalidParam('promotion[type]', 'Invalid promotion[type]: must be one of coupon');
    }
    const couponId = requiredString(promotion, 'coupon', 'promotion[coupon]');
    const coupon = requireObject(store.coupons, 'coupon', couponId, 'promotion[coupon]');
    const now = ctx.clock.now();
    if (!refreshCouponValidity(coupon, now).valid) {
      throw invalidRequest(`The coupon \`${coupon.id}\` is no longer valid.`, 'promotion[coupon]');
    }
    const code = optionalString(params, 'code') ?? null;
    if (code !== null && !CODE_PATTERN.test(code)) {
      throw invalidParam('code', 'Promotion codes may contain only letters (a-z, A-Z), digits (0-9) and dashes (-).');
    }
    const active = optionalBoolean(params, 'active') ?? true;
    if (
      code !== null &&
      active &&
      store.promotionCodes.all().some((other) => fresh(other).active && sameCode(other.code, code))
    ) {
      throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`, 'code');
    }
    const customer = optionalString(params, 'customer') ?? null;
    if (customer !== null) requireObject(store.customers, 'customer', customer, 'customer');
    const expiresAt = optionalInteger(params, 'expires_at') ?? null;
    if (expiresAt !== null && expiresAt <= now) {
      throw invalidParam('expires_at', '`expires_at` must be in the future.', 'parameter_invalid_integer');
    }
    if (expiresAt !== null && coupon.redeem_by !== null && expiresAt > coupon.redeem_by) {
      throw invalidParam(
        'expires_at',
        "`expires_at` cannot be after the coupon's `redeem_by`.",
        'parameter_invalid_integer',
      );
    }
    const maxRedemptions = positiveInteger(params, 'max_redemptions');
    if (maxRedemptions !== null && coupon.max_redemptions !== null && maxRedemptions > coupon.max_redemptions) {
      throw invalidParam(
        'max_redemptions',
        "`max_redemptions` cannot be greater than the coupon's `max_redemptions`.",
        'parameter_invalid_integer',
      );
    }
    const restrictions = optionalParams(params, 'restrictions') ?? {};
    const minimumAmount = optionalInteger(restrictions, 'minimum_amount', 'restrictions[minimum_amount]') ?? null;
    const minimumAmountCurrency =
      optionalString(restrictions, 'minimum_amount_currency', 'restrictions[minimum_amount_currency]') ?? null;
    if (minimumAmount !== null && minimumAmountCurrency === null) {
      throw parameterMissing('restrictions[minimum_amount_currency]');
    }
    const promotionCode = store.promotionCodes.insert(
      buildPromotionCode({
        code,
        coupon: coupon.id,
        active,
        customer,
        expiresAt,
        maxRedemptions,
        firstTimeTransaction:
          optionalBoolean(restrictions, 'first_time_transaction', 'restrictions[first_time_transaction]') ?? false,
        minimumAmount,
        minimumAmountCurrency: minimumAmountCurrency?.toLowerCase() ?? null,
        metadata: metadataParam(params) ?? {},
        created: now,
      }),
    );
    ctx.events.emit('promotion_code.created', promotionCode, origin);
    return expand(ctx, promotionCode, paths);
  });

  api.get('/v1/promotion_codes/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, fresh(requireObject(store.promotionCodes, 'promotion code', id)), paths),
  );

  // "Most fields are, by design, not editable": `active` and `metadata` here.
  api.post('/v1/promotion_codes/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const promotionCode = fresh(requireObject(store.promotionCodes, 'promotion code', id));
    const before = structuredClone(promotionCode);
    const active = optionalBoolean(params, 'active');
    if (active === true && !promotionCode.active) {
      const coupon = store.coupons.get(promotionCouponId(promotionCode));
      if (!coupon || !refreshCouponValidity(coupon, ctx.clock.now()).valid) {
        throw invalidRequest(
          'This promotion code cannot be reactivated because its coupon is no longer valid.',
          'active',
        );
      }
      if (
        store.promotionCodes
          .all()
          .some((other) => other.id !== id && fresh(other).active && sameCode(other.code, promotionCode.code))
      ) {
        throw invalidRequest(`An active promotion code with \`code: ${promotionCode.code}\` already exists.`, 'active');
      }
    }
    if (active !== undefined) promotionCode.active = active;
    promotionCode.metadata = mergeMetadata(promotionCode.metadata ?? {}, metadataParam(params));
    const previous = changedAttributes(before, promotionCode);
    if (Object.keys(previous).length > 0) ctx.events.emit('promotion_code.updated', promotionCode, origin, previous);
    return expand(ctx, promotionCode, paths);
  });

  api.get('/v1/promotion_codes', SUPPORTED.list, ({ params, expand: paths }) => {
    const code = optionalString(params, 'code');
    const active = optionalBoolean(params, 'active');
    const coupon = optionalString(params, 'coupon');
    const customer = optionalString(params, 'customer');
    const codes = store.promotionCodes
      .newestFirst()
      .map(fresh)
      .filter(
        (promotionCode) =>
          (code === undefined || sameCode(promotionCode.code, code)) &&
          (active === undefined || promotionCode.active === active) &&
          (coupon === undefined || promotionCouponId(promotionCode) === coupon) &&
          (customer === undefined || promotionCode.customer === customer),
      );
    return expand(ctx, paginate(codes, params, '/v1/promotion_codes'), paths);
  });
}
