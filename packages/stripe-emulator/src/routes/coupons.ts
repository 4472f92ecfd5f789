import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing, resourceAlreadyExists } from '../errors';
import { changedAttributes } from '../events';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { buildCoupon, COUPON_DURATIONS, refreshCouponValidity } from '../objects/coupon';
import { mergeMetadata, metadataParam, oneOf, optionalInteger, optionalString, type Params } from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

/** Stripe: "cannot be set to more than 5 years in the future". */
const MAX_REDEEM_BY_SECONDS = 5 * 365 * 86_400;

/** `/v1/coupons`, after stripe-node's `CouponResource` (create, retrieve, update, del, list). */

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: [
      'id',
      'name',
      'percent_off',
      'amount_off',
      'currency',
      'duration',
      'duration_in_months',
      'max_redemptions',
      'redeem_by',
      'metadata',
    ],
  },
  retrieve: { supports: [] },
  update: { supports: ['name', 'metadata'] },
  delete: { supports: [] },
  list: { supports: LIST_PARAMS },
} satisfies Record<string, RouteSpec>;

export function registerCouponRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;
  const fresh = <T extends Parameters<typeof refreshCouponValidity>[0]>(coupon: T) =>
    refreshCouponValidity(coupon, ctx.clock.now());

  api.post('/v1/coupons', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const id = optionalString(params, 'id');
    if (id && store.coupons.get(id)) throw resourceAlreadyExists('Coupon already exists.', 'id');
    const { percentOff, amountOff, currency } = discountParams(params);
    const duration = oneOf(params, 'duration', COUPON_DURATIONS) ?? 'once';
    const durationInMonths = optionalInteger(params, 'duration_in_months') ?? null;
    if (duration === 'repeating' && durationInMonths === null) throw parameterMissing('duration_in_months');
    if (duration !== 'repeating' && durationInMonths !== null) {
      throw invalidRequest(
        '`duration_in_months` can only be set when `duration` is `repeating`.',
        'duration_in_months',
      );
    }
    if (durationInMonths !== null && durationInMonths < 1) {
      throw invalidParam(
        'duration_in_months',
        'duration_in_months must be a positive integer.',
        'parameter_invalid_integer',
      );
    }
    const maxRedemptions = positiveInteger(params, 'max_redemptions');
    const now = ctx.clock.now();
    const redeemBy = optionalInteger(params, 'redeem_by') ?? null;
    if (redeemBy !== null && (redeemBy <= now || redeemBy > now + MAX_REDEEM_BY_SECONDS)) {
      throw invalidParam(
        'redeem_by',
        '`redeem_by` must be in the future and at most 5 years from now.',
        'parameter_invalid_integer',
      );
    }
    const coupon = store.coupons.insert(
      buildCoupon({
        ...(id ? { id } : {}),
        name: optionalString(params, 'name') ?? null,
        percentOff,
        amountOff,
        currency,
        duration,
        durationInMonths,
        maxRedemptions,
        redeemBy,
        metadata: metadataParam(params) ?? {},
        created: now,
      }),
    );
    ctx.events.emit('coupon.created', coupon, origin);
    return expand(ctx, coupon, paths);
  });

  api.get('/v1/coupons/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, fresh(requireObject(store.coupons, 'coupon', id)), paths),
  );

  // "Updates the metadata of a coupon. Other coupon details (currency, duration, amount_off) are, by design, not editable."
  api.post('/v1/coupons/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const coupon = fresh(requireObject(store.coupons, 'coupon', id));
    const before = structuredClone(coupon);
    const name = optionalString(params, 'name');
    if (name !== undefined) coupon.name = name === '' ? null : name;
    coupon.metadata = mergeMetadata(coupon.metadata ?? {}, metadataParam(params));
    const previous = changedAttributes(before, coupon);
    if (Object.keys(previous).length > 0) ctx.events.emit('coupon.updated', coupon, origin, previous);
    return expand(ctx, coupon, paths);
  });

  api.delete('/v1/coupons/:id', SUPPORTED.delete, ({ id, origin }) => {
    const coupon = fresh(requireObject(store.coupons, 'coupon', id));
    store.coupons.remove(id);
    store.deletedCoupons.insert(coupon);
    ctx.events.emit('coupon.deleted', coupon, origin);
    return { id, object: 'coupon', deleted: true };
  });

  api.get('/v1/coupons', SUPPORTED.list, ({ params, expand: paths }) =>
    expand(ctx, paginate(store.coupons.newestFirst().map(fresh), params, '/v1/coupons'), paths),
  );
}

/** Exactly one of `percent_off` (0 < p ≤ 100) and `amount_off` (with its `currency`). */
function discountParams(params: Params): {
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
} {
  const percentText = optionalString(params, 'percent_off');
  const amountOff = positiveInteger(params, 'amount_off');
  if (percentText !== undefined && amountOff !== null) {
    throw invalidRequest('You may only specify one of these parameters: amount_off, percent_off.');
  }
  if (amountOff !== null) {
    const currency = optionalString(params, 'currency');
    if (!currency) throw parameterMissing('currency');
    return { percentOff: null, amountOff, currency: currency.toLowerCase() };
  }
  if (percentText === undefined) throw parameterMissing('percent_off');
  const percentOff = Number(percentText);
  if (!Number.isFinite(percentOff) || percentOff <= 0 || percentOff > 100) {
    throw invalidParam('percent_off', 'percent_off must be greater than 0 and at most 100.', 'parameter_invalid_float');
  }
  return { percentOff, amountOff: null, currency: null };
}

export function positiveInteger(params: Params, key: string): number | null {
  const value = optionalInteger(params, key) ?? null;
  if (value !== null && value < 1) {
    throw invalidParam(key, `${key} must be a positive integer.`, 'parameter_invalid_integer');
  }
  return value;
}
