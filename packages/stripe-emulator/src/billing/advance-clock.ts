import type { EmulatorContext } from '../context';
import { AUTOMATIC } from '../events';
import { expireCheckoutSession } from './checkout';
import { retryDuePayments } from './payment-retries';
import { expirePendingUpdate, settlePeriodEnd } from './subscriptions';

/**
 * Moves the test clock forward and lets time do its work: open checkout
 * sessions past `expires_at` expire, and every subscription whose period has
 * ended renews (once per elapsed period, entering its schedule's next phase) or, if set to cancel,
 * ends; pending updates past `expires_at` are discarded; failed renewal payments due a retry are retried.
 */
export function advanceClock(ctx: EmulatorContext, seconds: number): void {
  ctx.clock.advance(seconds);
  const now = ctx.clock.now();
  for (const session of ctx.store.checkoutSessions.all()) {
    if (session.status === 'open' && session.expires_at <= now) expireCheckoutSession(ctx, session, AUTOMATIC);
  }
  for (const subscription of ctx.store.subscriptions.all()) {
    expirePendingUpdate(ctx, subscription);
    while (settlePeriodEnd(ctx, subscription)) {
      // Each pass bills one elapsed period.
    }
  }
  retryDuePayments(ctx);
}
