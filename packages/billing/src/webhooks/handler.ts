import type { Transaction } from '@subkit/db';
import type { AppServices } from '@subkit/trpc';
import type Stripe from 'stripe';

export type WebhookServices = Pick<AppServices, 'stripe' | 'cache'>;

/** The event object Stripe sends for the given type(s). */
export type EventOf<T extends Stripe.Event['type']> = Extract<Stripe.Event, { type: T }>;

/** Applies one event inside the ledger's transaction; throwing rolls it back and Stripe retries. */
export type EventHandler<E extends Stripe.Event = Stripe.Event> = (
  services: WebhookServices,
  tx: Transaction,
  event: E,
) => Promise<void>;
