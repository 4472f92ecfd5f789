import { deleteExpiredAccountTokens, deleteExpiredSessions } from '@subkit/auth';
import {
  deleteExpiredCheckoutClaims,
  deleteExpiredRequestClaims,
  deleteOldWebhookEvents,
  deleteSpentCheckoutSessions,
} from '@subkit/billing';
import type { AppServices } from '@subkit/core';

export interface HousekeepingReport {
  expiredSessions: number;
  expiredAccountTokens: number;
  expiredCheckoutClaims: number;
  expiredRequestClaims: number;
  spentCheckoutSessions: number;
  oldWebhookEvents: number;
}

/**
 * Deletes the rows that no longer mean anything, so tables hold what is live rather than
 * everything that ever happened. Each server process runs it on a timer; the deletes pick their
 * rows with SKIP LOCKED, so processes that run it at the same moment split the rows between them.
 */
export async function runHousekeeping(services: Pick<AppServices, 'db' | 'now'>): Promise<HousekeepingReport> {
  return {
    expiredSessions: await deleteExpiredSessions(services),
    expiredAccountTokens: await deleteExpiredAccountTokens(services),
    expiredCheckoutClaims: await deleteExpiredCheckoutClaims(services),
    expiredRequestClaims: await deleteExpiredRequestClaims(services),
    spentCheckoutSessions: await deleteSpentCheckoutSessions(services),
    oldWebhookEvents: await deleteOldWebhookEvents(services),
  };
}
