import { users } from '@subkit/db';
import type { AppServices, SessionUser } from '@subkit/trpc';
import { and, eq, isNull } from 'drizzle-orm';
import { toBillingError } from '../stripe/errors';

/**
 * The user's Stripe customer id, creating the customer on first use, exactly once per user even
 * when checkouts race in several server processes:
 * - the create carries an Idempotency-Key derived from the user id, so every racing request (and
 *   a retry after a crash between Stripe's answer and our write) gets the same customer back;
 * - the link is a compare-and-set (`… WHERE stripe_customer_id IS NULL`), so the first writer
 *   wins and the others read what it stored.
 * No database lock is held across the Stripe call: a slow Stripe cannot exhaust the pool or, on
 * PGlite, stall every other query.
 */
export async function ensureCustomer(
  { db, stripe }: Pick<AppServices, 'db' | 'stripe'>,
  user: SessionUser,
): Promise<string> {
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const customer = await stripe.customers
    .create({ email: user.email, metadata: { userId: user.id } }, { idempotencyKey: `subkit-customer-${user.id}` })
    .catch((error: unknown) => {
      throw toBillingError(error);
    });
  const [linked] = await db
    .update(users)
    .set({ stripeCustomerId: customer.id })
    .where(and(eq(users.id, user.id), isNull(users.stripeCustomerId)))
    .returning({ stripeCustomerId: users.stripeCustomerId });
  if (linked?.stripeCustomerId) return linked.stripeCustomerId;
  const [stored] = await db
    .select({ stripeCustomerId: users.stripeCustomerId })
    .from(users)
    .where(eq(users.id, user.id));
  if (!stored?.stripeCustomerId) throw new Error(`user ${user.id} has no customer after linking ${customer.id}`);
  return stored.stripeCustomerId;
}
