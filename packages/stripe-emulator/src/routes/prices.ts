import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing } from '../errors';
import { changedAttributes, type EventOrigin } from '../events';
import { expand } from '../expand';
import { idOf } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import { buildPrice, INTERVALS, isInterval, type RecurringInput } from '../objects/price';
import { buildProduct } from '../objects/product';
import {
  type Metadata,
  mergeMetadata,
  metadataParam,
  optionalBoolean,
  optionalInteger,
  optionalParams,
  optionalString,
  type Params,
  requiredString,
  stringList,
} from '../params';
import { type SearchFields, search } from '../search';
import type { RouteSpec } from '../strictness';
import type { Price, Product } from '../wire';
import { requireObject } from './lookup';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: [
      'currency',
      'unit_amount',
      'recurring.interval',
      'recurring.interval_count',
      'recurring.trial_period_days',
      'product',
      'product_data.name',
      'product_data.metadata',
      'active',
      'nickname',
      'lookup_key',
      'transfer_lookup_key',
      'metadata',
    ],
  },
  retrieve: { supports: [] },
  update: { supports: ['active', 'lookup_key', 'transfer_lookup_key', 'nickname', 'metadata'] },
  list: { supports: [...LIST_PARAMS, 'active', 'product', 'type', 'currency', 'lookup_keys'] },
  search: { supports: ['query', 'limit', 'page'] },
} satisfies Record<string, RouteSpec>;

/** The fields Stripe's price search supports besides `metadata` (https://docs.stripe.com/search#query-fields-for-prices). */
const PRICE_SEARCH_FIELDS: SearchFields<Price> = {
  active: { kind: 'string', read: (price) => String(price.active) },
  currency: { kind: 'string', read: (price) => price.currency },
  lookup_key: { kind: 'string', read: (price) => price.lookup_key },
  product: { kind: 'string', read: (price) => idOf(price.product) },
  type: { kind: 'string', read: (price) => price.type },
};

export function registerPriceRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/prices', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    // Validate everything before changing anything: a rejected request leaves no trace.
    const currency = requiredString(params, 'currency');
    const unitAmount = optionalInteger(params, 'unit_amount');
    if (unitAmount === undefined) throw parameterMissing('unit_amount');
    if (unitAmount < 0)
      throw invalidParam('unit_amount', 'This value must be greater than or equal to 0.', 'parameter_invalid_integer');
    const recurring = recurringParam(params);
    const metadata = metadataParam(params) ?? {};
    const lookupKey = optionalString(params, 'lookup_key');
    const lookupKeyHolder = lookupKey ? takeableLookupKeyHolder(ctx, lookupKey, params) : undefined;
    const product = productParam(ctx, params);
    const active = optionalBoolean(params, 'active') ?? true;
    const nickname = optionalString(params, 'nickname') ?? null;

    if (lookupKeyHolder) releaseLookupKey(ctx, lookupKeyHolder, origin);
    const productId = 'existing' in product ? product.existing.id : createProduct(ctx, product.create, origin);
    const price = store.prices.insert(
      buildPrice({
        product: productId,
        unit_amount: unitAmount,
        currency,
        recurring,
        active,
        lookup_key: lookupKey ?? null,
        nickname,
        metadata,
        created: ctx.clock.now(),
      }),
    );
    ctx.events.emit('price.created', price, origin);
    return expand(ctx, price, paths);
  });

  // Static, so Fastify routes it before `/v1/prices/:id`.
  api.get('/v1/prices/search', SUPPORTED.search, ({ params, expand: paths }) =>
    expand(ctx, search(store.prices.newestFirst(), params, PRICE_SEARCH_FIELDS, '/v1/prices/search'), paths),
  );

  api.get('/v1/prices/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.prices, 'price', id), paths),
  );

  api.post('/v1/prices/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const price = requireObject(store.prices, 'price', id);
    const before = structuredClone(price);
    const active = optionalBoolean(params, 'active');
    const lookupKey = optionalString(params, 'lookup_key');
    const nickname = optionalString(params, 'nickname');
    const metadata = mergeMetadata(price.metadata, metadataParam(params));
    const lookupKeyHolder = lookupKey ? takeableLookupKeyHolder(ctx, lookupKey, params, price.id) : undefined;
    if (active === false && store.products.get(idOf(price.product))?.default_price === price.id) {
      // Stripe keeps a product's default price sellable: archive it only after choosing another default.
      throw invalidRequest(
        `This price cannot be archived because it is the default price of its product (\`${price.product}\`). Set another \`default_price\` on the product first.`,
        'active',
      );
    }
    if (lookupKeyHolder) releaseLookupKey(ctx, lookupKeyHolder, origin);

    if (active !== undefined) price.active = active;
    if (lookupKey !== undefined) price.lookup_key = lookupKey === '' ? null : lookupKey;
    if (nickname !== undefined) price.nickname = nickname === '' ? null : nickname;
    price.metadata = metadata;

    const previous = changedAttributes(before, price);
    if (Object.keys(previous).length > 0) ctx.events.emit('price.updated', price, origin, previous);
    return expand(ctx, price, paths);
  });

  api.get('/v1/prices', SUPPORTED.list, ({ params, expand: paths }) => {
    const active = optionalBoolean(params, 'active');
    const product = optionalString(params, 'product');
    const type = optionalString(params, 'type');
    const currency = optionalString(params, 'currency');
    const lookupKeys = stringList(params, 'lookup_keys');
    const prices = store.prices
      .newestFirst()
      .filter(
        (price) =>
          (active === undefined || price.active === active) &&
          (product === undefined || price.product === product) &&
          (type === undefined || price.type === type) &&
          (currency === undefined || price.currency === currency.toLowerCase()) &&
          (lookupKeys.length === 0 || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))),
      );
    return expand(ctx, paginate(prices, params, '/v1/prices'), paths);
  });
}

/** `product=prod_…`, or `product_data[name]=…` for a product created along with the price. */
function productParam(
  ctx: EmulatorContext,
  params: Params,
): { existing: Product } | { create: { name: string; metadata: Metadata } } {
  const productId = optionalString(params, 'product');
  if (productId) return { existing: requireObject(ctx.store.products, 'product', productId, 'product') };
  const productData = optionalParams(params, 'product_data');
  if (!productData) throw parameterMissing('product');
  return {
    create: {
      name: requiredString(productData, 'name', 'product_data[name]'),
      metadata: metadataParam(productData, 'metadata', 'product_data[metadata]') ?? {},
    },
  };
}

function createProduct(ctx: EmulatorContext, input: { name: string; metadata: Metadata }, origin: EventOrigin): string {
  const product = ctx.store.products.insert(buildProduct({ ...input, created: ctx.clock.now() }));
  ctx.events.emit('product.created', product, origin);
  return product.id;
}

/** `recurring[…]` of a price, or of `default_price_data` when `within` names it (for error `param`s). */
export function recurringParam(params: Params, within = ''): RecurringInput | null {
  const name = within ? `${within}[recurring]` : 'recurring';
  const recurring = optionalParams(params, 'recurring', name);
  if (!recurring) return null;
  const interval = requiredString(recurring, 'interval', `${name}[interval]`);
  if (!isInterval(interval)) {
    throw invalidParam(`${name}[interval]`, `Invalid ${name}[interval]: must be one of ${INTERVALS.join(', ')}`);
  }
  return {
    interval,
    interval_count: optionalInteger(recurring, 'interval_count', `${name}[interval_count]`) ?? 1,
    trial_period_days: optionalInteger(recurring, 'trial_period_days', `${name}[trial_period_days]`) ?? null,
  };
}

/**
 * A lookup key names one price at a time. Returns the price currently holding
 * it, if `transfer_lookup_key=true` allows taking it; otherwise refuses.
 */
function takeableLookupKeyHolder(
  ctx: EmulatorContext,
  lookupKey: string,
  params: Params,
  claimant?: string,
): Price | undefined {
  const holder = ctx.store.prices.all().find((price) => price.lookup_key === lookupKey && price.id !== claimant);
  if (!holder) return undefined;
  if (optionalBoolean(params, 'transfer_lookup_key') !== true) {
    throw invalidRequest(
      `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`,
      'lookup_key',
    );
  }
  return holder;
}

function releaseLookupKey(ctx: EmulatorContext, holder: Price, origin: EventOrigin): void {
  const before = structuredClone(holder);
  holder.lookup_key = null;
  ctx.events.emit('price.updated', holder, origin, changedAttributes(before, holder));
}
