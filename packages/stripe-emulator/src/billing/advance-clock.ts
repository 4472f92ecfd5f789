import type { EmulatorContext } from '../context';
import { AUTOMATIC } from '../events';
import { expireCheckoutSession } from './checkout';
import { testClockOfCustomer } from './clock-of';
import { retryDuePayments } from './payment-retries';
import { announceTrialEnding, expirePendingUpdate, settlePeriodEnd } from './subscriptions';

/**
 * Moves the emulator's clock forward and lets time do its work for every object that is not on a
 * test clock (those follow their own clock, see `advanceTestClock`): open checkout sessions past
 * `expires_at` expire, and every subscription whose period has ended renews (once per elapsed period,
 * entering its schedule's next phase) or, if set to cancel, ends; pending updates past `expires_at`
 * are discarded; a trial within three days of its end announces it; failed renewal payments due a retry are retried.
 */
export function advanceClock(ctx: EmulatorContext, seconds: number): void {
  ctx.clock.advance(seconds);
  settleDueObjects(ctx, null);
}

/**
 * Lets time do its work, at `ctx.clock.now()`, for the objects of one clock (`testClock`, or null
 * for the emulator's own): open checkout sessions past `expires_at` expire, and every subscription
 * whose period has ended renews (once per elapsed period, entering its schedule's next phase) or,
 * if set to cancel, ends; pending updates past `expires_at` are discarded; failed renewal payments
 * due a retry are retried.
 */
export function settleDueObjects(ctx: EmulatorContext, testClock: string | null): void {
  const now = ctx.clock.now();
  for (const session of ctx.store.checkoutSessions.all()) {
    if (testClockOfCustomer(ctx, session.customer) !== testClock) continue;
    if (session.status === 'open' && session.expires_at <= now) expireCheckoutSession(ctx, session, AUTOMATIC);
  }
  for (const subscription of ctx.store.subscriptions.all()) {
    if (testClockOfCustomer(ctx, subscription.customer) !== testClock) continue;
    expirePendingUpdate(ctx, subscription);
    announceTrialEnding(ctx, subscription, AUTOMATIC);
    while (settlePeriodEnd(ctx, subscription)) {
      // Each pass bills one elapsed period.
    }
  }
  retryDuePayments(ctx, testClock);
}
