import { users } from '@subkit/db';
import type { AppServices, SessionUser } from '@subkit/trpc';
import { eq } from 'drizzle-orm';
import { toBillingError } from '../stripe/errors';

/**
 * The user's Stripe customer id, creating the customer on first use, exactly once per user even
 * when checkouts race in several server processes:
 * - the user row is locked (SELECT … FOR UPDATE), so one request creates while the others wait
 *   and then read the stored id;
 * - the create carries an Idempotency-Key derived from the user id, so if a process dies between
 *   Stripe's answer and our commit, the next try gets the same customer back instead of a second.
 */
export async function ensureCustomer(
  { db, stripe }: Pick<AppServices, 'db' | 'stripe'>,
  user: SessionUser,
): Promise<string> {
  if (user.stripeCustomerId) return user.stripeCustomerId;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ stripeCustomerId: users.stripeCustomerId })
      .from(users)
      .where(eq(users.id, user.id))
      .for('update');
    if (row?.stripeCustomerId) return row.stripeCustomerId;
    const customer = await stripe.customers
      .create({ email: user.email, metadata: { userId: user.id } }, { idempotencyKey: `subkit-customer-${user.id}` })
      .catch((error: unknown) => {
        throw toBillingError(error);
      });
    await tx.update(users).set({ stripeCustomerId: customer.id }).where(eq(users.id, user.id));
    return customer.id;
  });
}
