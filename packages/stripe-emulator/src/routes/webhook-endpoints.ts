import type { ApiRoutes } from '../api';
import type { EmulatorContext } from '../context';
import { expand } from '../expand';
import { paginate } from '../list';
import { createWebhookEndpoint, deleteWebhookEndpoint, updateWebhookEndpoint } from '../webhooks/endpoints';
import { requireObject } from './lookup';

export function registerWebhookEndpointRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/webhook_endpoints', ({ params, expand: paths }) =>
    expand(ctx, createWebhookEndpoint(store, params, ctx.clock.now()), paths),
  );

  api.get('/v1/webhook_endpoints/:id', ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.webhookEndpoints, 'webhook endpoint', id), paths),
  );

  api.post('/v1/webhook_endpoints/:id', ({ id, params, expand: paths }) =>
    expand(ctx, updateWebhookEndpoint(requireObject(store.webhookEndpoints, 'webhook endpoint', id), params), paths),
  );

  api.get('/v1/webhook_endpoints', ({ params, expand: paths }) =>
    expand(ctx, paginate(store.webhookEndpoints.newestFirst(), params, '/v1/webhook_endpoints'), paths),
  );

  api.delete('/v1/webhook_endpoints/:id', ({ id }) =>
    deleteWebhookEndpoint(store, requireObject(store.webhookEndpoints, 'webhook endpoint', id)),
  );
}
