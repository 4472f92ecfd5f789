import type { AppServices } from '@subkit/core';
import type { Transaction } from '@subkit/db';
import type Stripe from 'stripe';

import type { BillingLogger } from '../subscriptions/duplicate-subscriptions';

export type WebhookServices = Pick<AppServices, 'stripe' | 'cache'>;

/** The event object Stripe sends for the given type(s). */
export type EventOf<T extends Stripe.Event['type']> = Extract<Stripe.Event, { type: T }>;

/** Where the event stands in the ledger: `seq` orders events by when we first received them. */
export interface LedgerEntry {
  seq: number;
}

/**
 * What a write leaves for after its transaction commits, because it needs Stripe calls: the user
 * whose duplicate subscriptions await cancellation.
 */
export interface AfterCommit {
  resolveDuplicatesOf: string;
}

/** Writes an event's effect inside the ledger's transaction; throwing rolls it back and Stripe retries. */
export type ApplyEvent = (tx: Transaction, entry: LedgerEntry) => Promise<AfterCommit | undefined>;

export type { BillingLogger };

/**
 * Handles one event in two steps. The handler itself reads what it needs from Stripe while no
 * database connection is held, so a slow Stripe cannot starve the pool (or, on PGlite, stall the
 * whole database); it returns the write to make in the ledger's transaction, or nothing.
 */
export type EventHandler<E extends Stripe.Event = Stripe.Event> = (
  services: WebhookServices,
  event: E,
) => Promise<ApplyEvent | undefined>;
