import type { EmulatorContext } from '../context';
import { AUTOMATIC } from '../events';
import { expireCheckoutSession } from './checkout';
import { announceTrialEnding, expirePendingUpdate, settlePeriodEnd } from './subscriptions';

/**
 * Moves the test clock forward and lets time do its work: open checkout
 * sessions past `expires_at` expire, and every subscription whose period has
 * ended renews (once per elapsed period, entering its schedule's next phase) or, if set to cancel,
 * ends; a trial within three days of its end announces it; pending updates past `expires_at` are discarded.
 */
export function advanceClock(ctx: EmulatorContext, seconds: number): void {
  ctx.clock.advance(seconds);
  const now = ctx.clock.now();
  for (const session of ctx.store.checkoutSessions.all()) {
    if (session.status === 'open' && session.expires_at <= now) expireCheckoutSession(ctx, session, AUTOMATIC);
  }
  for (const subscription of ctx.store.subscriptions.all()) {
    expirePendingUpdate(ctx, subscription);
    announceTrialEnding(ctx, subscription, AUTOMATIC);
    while (settlePeriodEnd(ctx, subscription)) {
      // Each pass bills one elapsed period.
    }
  }
}
