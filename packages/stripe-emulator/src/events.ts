import type { Clock } from './clock';
import { newId } from './ids';
import type { Store } from './store';
import type { EventType, StripeEvent, StripeObject } from './wire';

/** Which API request caused an event; Stripe reports it as `event.request`. Clock-driven events have neither. */
export interface EventOrigin {
  requestId: string | null;
  idempotencyKey: string | null;
}

export const AUTOMATIC: EventOrigin = { requestId: null, idempotencyKey: null };

/** Where events go once recorded: webhook delivery. */
export interface EventSink {
  /** How many endpoints will receive an event of this type: its `pending_webhooks`. */
  endpointCount(type: string): number;
  send(event: StripeEvent): void;
}

export class EventLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly apiVersion: string,
    private readonly sink: EventSink,
  ) {}

  /**
   * Records an event carrying a snapshot of `object` as it is now, so later
   * changes to the stored object do not rewrite history.
   */
  emit(
    type: EventType,
    object: StripeObject,
    origin: EventOrigin,
    previousAttributes?: Record<string, unknown>,
  ): StripeEvent {
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: this.apiVersion,
      created: this.clock.now(),
      data: {
        object: structuredClone(object),
        ...(previousAttributes && Object.keys(previousAttributes).length > 0
          ? { previous_attributes: previousAttributes }
          : {}),
      },
      livemode: false,
      pending_webhooks: this.sink.endpointCount(type),
      request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
      type,
    };
    this.store.events.insert(event);
    this.sink.send(event);
    return event;
  }
}

/** The top-level fields of `before` whose values differ in `after`, as Stripe's `previous_attributes`. */
export function changedAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) previous[key] = before[key];
  }
  return previous;
}
