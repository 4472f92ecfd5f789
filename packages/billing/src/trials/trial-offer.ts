import type { AppServices, SessionUser } from '@subkit/core';
import { subscriptions, type Transaction, trialGrants, users } from '@subkit/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';

/**
 * The key a trial is remembered by. Sign-up already trims and lower-cases emails; doing it again
 * here keeps accounts stored before that rule (and any row written by hand) on the same key.
 */
export function trialKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The trial (in days) a checkout offers this user, or null: only a user's first subscription gets
 * one, and only while no trial was ever given to their email (`trial_grants` outlives the account).
 *
 * Nothing is reserved here: a checkout the user abandons leaves them eligible. Two checkouts
 * opened at once may both offer a trial, but only the newest session stays payable
 * (`session-tracking.ts`) and a second live subscription is canceled (`duplicate-subscriptions.ts`),
 * so at most one trial is kept.
 */
export async function offeredTrialDays(
  { db, settings }: Pick<AppServices, 'db' | 'settings'>,
  user: Pick<SessionUser, 'id' | 'email'>,
): Promise<number | null> {
  const days = settings.billing.trialDays;
  if (days === 0) return null;
  const [grant] = await db
    .select({ email: trialGrants.email })
    .from(trialGrants)
    .where(eq(trialGrants.email, trialKey(user.email)))
    .limit(1);
  if (grant) return null;
  const [earlier] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(eq(subscriptions.userId, user.id))
    .limit(1);
  return earlier ? null : days;
}

/**
 * Remembers that the user's email had its trial, when a subscription that started with one is
 * stored (webhook, or the app's own sync). The email's first grant stays; a repeat is a no-op.
 */
export async function recordTrialGrant(tx: Transaction, userId: string, subscription: Stripe.Subscription) {
  if (subscription.trial_start === null) return;
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) return;
  await tx
    .insert(trialGrants)
    .values({ email: trialKey(user.email), userId, subscriptionId: subscription.id })
    .onConflictDoNothing();
}

/**
 * Whether the subscription ends with its trial: it is set to cancel when the trial ends without a
 * payment method (TRIAL_REQUIRES_CARD=false) and none is on file, on the subscription or as the
 * customer's default (what Stripe would charge). Needs the subscription read with its customer expanded.
 */
export function endsWithTrial(subscription: Stripe.Subscription): boolean {
  if (subscription.status !== 'trialing') return false;
  if (subscription.trial_settings?.end_behavior.missing_payment_method !== 'cancel') return false;
  if (subscription.default_payment_method || subscription.default_source) return false;
  const customer = subscription.customer;
  if (typeof customer === 'string' || customer.deleted) return true;
  return !(customer.invoice_settings.default_payment_method || customer.default_source);
}
