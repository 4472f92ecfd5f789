import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { invalidParam, resourceAlreadyExists } from '../errors';
import { changedAttributes } from '../events';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import { buildProduct } from '../objects/product';
import {
  mergeMetadata,
  metadataParam,
  objectList,
  optionalBoolean,
  optionalString,
  type Params,
  requiredString,
  stringList,
} from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: { supports: ['name', 'id', 'description', 'active', 'metadata', 'marketing_features.name'] },
  retrieve: { supports: [] },
  update: { supports: ['name', 'description', 'active', 'metadata', 'marketing_features.name'] },
  list: { supports: [...LIST_PARAMS, 'active', 'ids'] },
} satisfies Record<string, RouteSpec>;

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
    const product = store.products.insert(
      buildProduct({
        ...(id ? { id } : {}),
        name,
        description,
        active,
        metadata,
        marketingFeatures,
        created: ctx.clock.now(),
      }),
    );
    ctx.events.emit('product.created', product, origin);
    return expand(ctx, product, paths);
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
