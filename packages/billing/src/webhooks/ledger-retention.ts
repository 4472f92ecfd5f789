import type { AppServices } from '@subkit/core';
import { deleteInBatches, stripeEvents } from '@subkit/db';
import { lte } from 'drizzle-orm';

/**
 * How long a processed event stays in the ledger. Stripe stops retrying a delivery after three
 * days, so the ledger's duplicate check needs far less; the month is for answering "did we get
 * that event?". Events never processed stay until they are: they are what an operator must see.
 */
export const PROCESSED_EVENT_RETENTION_DAYS = 30;

/** Deletes processed ledger rows older than the retention. Returns how many went. */
export function deleteOldWebhookEvents({ db, now }: Pick<AppServices, 'db' | 'now'>): Promise<number> {
  const cutoff = new Date(now().getTime() - PROCESSED_EVENT_RETENTION_DAYS * 24 * 60 * 60 * 1000);
  return deleteInBatches(db, stripeEvents, [stripeEvents.id], lte(stripeEvents.processedAt, cutoff));
}
