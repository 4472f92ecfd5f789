import { invalidParam, parameterMissing } from '../errors';
import { newId, newWebhookSecret } from '../ids';
import {
  type Metadata,
  mergeMetadata,
  metadataParam,
  optionalBoolean,
  optionalString,
  type Params,
  stringList,
} from '../params';
import type { Store } from '../store';
import type { WebhookEndpoint } from '../wire';
import type { RegisteredEndpoint } from './deliver';

/**
 * Webhook endpoints an app registers through `/v1/webhook_endpoints`, as it would in production
 * (stripe-node 23 `WebhookEndpointCreateParams`/`UpdateParams`). Each gets its own `whsec_` secret,
 * shown once in the create response, and receives the event types of `enabled_events` (`*`: all)
 * while `status` is `enabled`, on top of the endpoints given in the emulator's options.
 */

/** What delivery reads at each event: the enabled endpoints with their secrets. */
export function registeredWebhookEndpoints(store: Store): RegisteredEndpoint[] {
  return store.webhookEndpoints.all().flatMap((endpoint) => {
    const secret = store.webhookEndpointSecrets.get(endpoint.id);
    return endpoint.status === 'enabled' && secret
      ? [{ id: endpoint.id, url: endpoint.url, secret, enabledEvents: endpoint.enabled_events }]
      : [];
  });
}

/** An absolute http(s) URL, as Stripe requires. */
function urlParam(params: Params): string | undefined {
  const url = optionalString(params, 'url');
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParam('url', `Invalid URL: ${url}. URLs must begin with http:// or https://.`, 'url_invalid');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidParam('url', `Invalid URL: ${url}. URLs must begin with http:// or https://.`, 'url_invalid');
  }
  return url;
}

/** `enabled_events[]`: `*`, or event type names (`customer.subscription.updated`); at least one. */
function enabledEventsParam(params: Params): string[] | undefined {
  if (params.enabled_events === undefined) return undefined;
  const events = stringList(params, 'enabled_events');
  if (events.length === 0) throw invalidParam('enabled_events', 'enabled_events must name at least one event.');
  events.forEach((event, index) => {
    if (event !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(event)) {
      throw invalidParam(
        `enabled_events[${index}]`,
        `Invalid enabled_events[${index}]: ${event} is not an event type.`,
      );
    }
  });
  return [...new Set(events)];
}

export function createWebhookEndpoint(store: Store, params: Params, now: number): WebhookEndpoint & { secret: string } {
  const url = urlParam(params);
  if (url === undefined) throw parameterMissing('url');
  const enabledEvents = enabledEventsParam(params);
  if (enabledEvents === undefined) throw parameterMissing('enabled_events');
  const metadata: Metadata = metadataParam(params) ?? {};
  const endpoint = store.webhookEndpoints.insert({
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: optionalString(params, 'api_version') ?? null,
    application: null,
    created: now,
    description: optionalString(params, 'description') || null,
    enabled_events: enabledEvents,
    livemode: false,
    metadata,
    status: 'enabled',
    url,
  });
  const secret = newWebhookSecret();
  store.webhookEndpointSecrets.set(endpoint.id, secret);
  return { ...endpoint, secret };
}

export function updateWebhookEndpoint(endpoint: WebhookEndpoint, params: Params): WebhookEndpoint {
  const url = urlParam(params);
  const enabledEvents = enabledEventsParam(params);
  const description = optionalString(params, 'description');
  const disabled = optionalBoolean(params, 'disabled');
  const metadata = mergeMetadata(endpoint.metadata, metadataParam(params));
  if (url !== undefined) endpoint.url = url;
  if (enabledEvents !== undefined) endpoint.enabled_events = enabledEvents;
  if (description !== undefined) endpoint.description = description || null;
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  endpoint.metadata = metadata;
  return endpoint;
}

export function deleteWebhookEndpoint(store: Store, endpoint: WebhookEndpoint) {
  store.webhookEndpoints.remove(endpoint.id);
  store.webhookEndpointSecrets.delete(endpoint.id);
  return { id: endpoint.id, object: 'webhook_endpoint' as const, deleted: true as const };
}
