import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest, parameterMissing, resourceAlreadyExists } from '../errors';
import { changedAttributes } from '../events';
import { expand } from '../expand';
import { idOf } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import { buildPrice } from '../objects/price';
import { buildProduct } from '../objects/product';
import {
  mergeMetadata,
  metadataParam,
  objectList,
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
import { recurringParam } from './prices';

/**
 * `default_price_data` on product create (stripe-node `ProductCreateParams.DefaultPriceData`:
 * `currency`, `unit_amount`, `recurring[interval|interval_count]`, `metadata`): the price to build
 * once the product's id is known.
 */
function defaultPriceData(params: Params): ((product: string, created: number) => Price) | undefined {
  const data = optionalParams(params, 'default_price_data');
  if (!data) return undefined;
  const currency = requiredString(data, 'currency', 'default_price_data[currency]');
  const unitAmount = optionalInteger(data, 'unit_amount', 'default_price_data[unit_amount]');
  if (unitAmount === undefined) throw parameterMissing('default_price_data[unit_amount]');
  if (unitAmount < 0) {
    throw invalidParam(
      'default_price_data[unit_amount]',
      'This value must be greater than or equal to 0.',
      'parameter_invalid_integer',
    );
  }
  const recurring = recurringParam(data, 'default_price_data');
  const metadata = metadataParam(data, 'metadata', 'default_price_data[metadata]') ?? {};
  return (product, created) =>
    buildPrice({
      product,
      unit_amount: unitAmount,
      currency,
      recurring,
      active: true,
      lookup_key: null,
      metadata,
      created,
    });
}

/** A product's `default_price` must be one of its own active prices. */
function defaultPriceFor(ctx: EmulatorContext, productId: string, priceId: string): Price {
  const price = requireObject(ctx.store.prices, 'price', priceId, 'default_price');
  if (idOf(price.product) !== productId) {
    throw invalidParam('default_price', `The price \`${priceId}\` does not belong to the product \`${productId}\`.`);
  }
  if (!price.active) {
    throw invalidParam(
      'default_price',
      `The price \`${priceId}\` is archived and cannot be a product's default price.`,
    );
  }
  return price;
}

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: ['name', 'id', 'description', 'active', 'metadata', 'marketing_features.name', 'default_price_data'],
  },
  retrieve: { supports: [] },
  update: {
    supports: ['name', 'description', 'active', 'metadata', 'marketing_features.name', 'default_price'],
  },
  list: { supports: [...LIST_PARAMS, 'active', 'ids'] },
  search: { supports: ['query', 'limit', 'page'] },
  del: { supports: [] },
} satisfies Record<string, RouteSpec>;

/** The fields Stripe's product search supports besides `metadata` (https://docs.stripe.com/search#query-fields-for-products). */
const PRODUCT_SEARCH_FIELDS: SearchFields<Product> = {
  active: { kind: 'string', read: (product) => String(product.active) },
  description: { kind: 'string', read: (product) => product.description },
  name: { kind: 'string', read: (product) => product.name },
  shippable: { kind: 'string', read: (product) => (product.shippable === null ? null : String(product.shippable)) },
  url: { kind: 'string', read: (product) => product.url },
};

export function registerProductRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/products', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const name = requiredString(params, 'name');
    // Stripe lets you choose a product's id; the seeded catalog relies on that too.
    const id = optionalString(params, 'id');
    if (id && store.products.get(id)) throw resourceAlreadyExists('Product already exists.', 'id');
    const description = optionalString(params, 'description') ?? null;
    const active = optionalBoolean(params, 'active') ?? true;
    const metadata = metadataParam(params) ?? {};
    const marketingFeatures = marketingFeaturesParam(params) ?? [];
    const buildDefaultPrice = defaultPriceData(params);
    const created = ctx.clock.now();
    const product = buildProduct({
      ...(id ? { id } : {}),
      name,
      description,
      active,
      metadata,
      marketingFeatures,
      created,
    });
    const price = buildDefaultPrice?.(product.id, created);
    product.default_price = price?.id ?? null;
    store.products.insert(product);
    ctx.events.emit('product.created', product, origin);
    if (price) ctx.events.emit('price.created', store.prices.insert(price), origin);
    return expand(ctx, product, paths);
  });

  // Static, so Fastify routes it before `/v1/products/:id`.
  api.get('/v1/products/search', SUPPORTED.search, ({ params, expand: paths }) =>
    expand(ctx, search(store.products.newestFirst(), params, PRODUCT_SEARCH_FIELDS, '/v1/products/search'), paths),
  );

  // Stripe deletes only a product that never had a price; one with prices can only be archived.
  api.delete('/v1/products/:id', SUPPORTED.del, ({ id, origin }) => {
    const product = requireObject(store.products, 'product', id);
    if (store.prices.newestFirst().some((price) => idOf(price.product) === id)) {
      throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
    }
    store.products.remove(id);
    ctx.events.emit('product.deleted', product, origin);
    return { id, object: 'product', deleted: true };
  });

  api.get('/v1/products/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.products, 'product', id), paths),
  );

  api.post('/v1/products/:id', SUPPORTED.update, ({ id, params, origin, expand: paths }) => {
    const product = requireObject(store.products, 'product', id);
    const before = structuredClone(product);
    const name = optionalString(params, 'name');
    const description = optionalString(params, 'description');
    const active = optionalBoolean(params, 'active');
    const metadata = mergeMetadata(product.metadata, metadataParam(params));
    const marketingFeatures = marketingFeaturesParam(params);
    const defaultPrice = optionalString(params, 'default_price');
    if (defaultPrice !== undefined) product.default_price = defaultPriceFor(ctx, product.id, defaultPrice).id;

    if (name) product.name = name;
    if (marketingFeatures) product.marketing_features = marketingFeatures.map((feature) => ({ name: feature }));
    if (description !== undefined) product.description = description === '' ? null : description;
    if (active !== undefined) product.active = active;
    product.metadata = metadata;

    const previous = changedAttributes(before, product);
    if (Object.keys(previous).length > 0) {
      product.updated = ctx.clock.now();
      ctx.events.emit('product.updated', product, origin, previous);
    }
    return expand(ctx, product, paths);
  });

  api.get('/v1/products', SUPPORTED.list, ({ params, expand: paths }) => {
    const active = optionalBoolean(params, 'active');
    const ids = stringList(params, 'ids');
    const products = store.products
      .newestFirst()
      .filter(
        (product) =>
          (active === undefined || product.active === active) && (ids.length === 0 || ids.includes(product.id)),
      );
    return expand(ctx, paginate(products, params, '/v1/products'), paths);
  });
}

/**
 * `marketing_features[i][name]`, up to 15 (stripe-node `ProductCreateParams.MarketingFeature`); an
 * update replaces the whole list, and `marketing_features=""` empties it.
 */
function marketingFeaturesParam(params: Params): string[] | undefined {
  if (params.marketing_features === '') return [];
  if (params.marketing_features === undefined) return undefined;
  const features = objectList(params, 'marketing_features');
  if (features.length > MAX_MARKETING_FEATURES) {
    throw invalidParam(
      'marketing_features',
      `A product can have at most ${MAX_MARKETING_FEATURES} marketing features.`,
    );
  }
  return features.map((feature, index) => requiredString(feature, 'name', `marketing_features[${index}][name]`));
}

const MAX_MARKETING_FEATURES = 15;
