import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import type { RouteSpec } from '../strictness';
import { createWebhookEndpoint, deleteWebhookEndpoint, updateWebhookEndpoint } from '../webhooks/endpoints';
import { requireObject } from './lookup';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: { supports: ['url', 'enabled_events', 'description', 'metadata', 'api_version'] },
  retrieve: { supports: [] },
  update: { supports: ['url', 'enabled_events', 'description', 'metadata', 'disabled'] },
  list: { supports: LIST_PARAMS },
  del: { supports: [] },
} satisfies Record<string, RouteSpec>;

export function registerWebhookEndpointRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/webhook_endpoints', SUPPORTED.create, ({ params, expand: paths }) =>
    expand(ctx, createWebhookEndpoint(store, params, ctx.clock.now()), paths),
  );

  api.get('/v1/webhook_endpoints/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.webhookEndpoints, 'webhook endpoint', id), paths),
  );

  api.post('/v1/webhook_endpoints/:id', SUPPORTED.update, ({ id, params, expand: paths }) =>
    expand(ctx, updateWebhookEndpoint(requireObject(store.webhookEndpoints, 'webhook endpoint', id), params), paths),
  );

  api.get('/v1/webhook_endpoints', SUPPORTED.list, ({ params, expand: paths }) =>
    expand(ctx, paginate(store.webhookEndpoints.newestFirst(), params, '/v1/webhook_endpoints'), paths),
  );

  api.delete('/v1/webhook_endpoints/:id', SUPPORTED.del, ({ id }) =>
    deleteWebhookEndpoint(store, requireObject(store.webhookEndpoints, 'webhook endpoint', id)),
  );
}
