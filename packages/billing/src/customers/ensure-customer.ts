import type { AppServices, SessionUser } from '@subkit/core';
import { users } from '@subkit/db';
import { and, eq, isNull, type SQL } from 'drizzle-orm';
import { isMissingResource, toBillingError } from '../stripe/errors';

type CustomerServices = Pick<AppServices, 'db' | 'stripe'>;

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
export async function ensureCustomer(services: CustomerServices, user: SessionUser): Promise<string> {
  if (user.stripeCustomerId) return user.stripeCustomerId;
  return linkNewCustomer(services, user, `subkit-customer-${user.id}`, isNull(users.stripeCustomerId));
}

/**
 * Runs a Stripe call made for the user's customer. The stored id is trusted without asking Stripe
 * first (a returning checkout makes no extra round trip); only when the call itself answers that
 * Stripe has no such customer (deleted in the dashboard, another account or mode, an emulator that
 * lost its state) is a new customer created, linked in place of the missing one, and the call made
 * once more with it.
 */
export async function withLiveCustomer<T>(
  services: CustomerServices,
  user: SessionUser,
  customerId: string,
  call: (customerId: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(customerId);
  } catch (error) {
    if (!(isMissingResource(error) && error.param === 'customer')) throw error;
  }
  return call(await replaceMissingCustomer(services, user, customerId));
}

/**
 * Links a new customer in place of `missingId`, as race-safe as the first create: processes that
 * find the same customer missing send the same Idempotency-Key (one that names the missing
 * customer, so it never meets the first create's key, which Stripe would answer with the missing
 * customer again) and so get one new customer; the compare-and-set on the old id lets one of them
 * write it and the others read it.
 */
async function replaceMissingCustomer(services: CustomerServices, user: SessionUser, missingId: string) {
  return linkNewCustomer(
    services,
    user,
    `subkit-customer-${user.id}-replacing-${missingId}`,
    eq(users.stripeCustomerId, missingId),
  );
}

async function linkNewCustomer(
  { db, stripe }: CustomerServices,
  user: SessionUser,
  idempotencyKey: string,
  linkedNow: SQL,
): Promise<string> {
  const customer = await stripe.customers
    .create({ email: user.email, metadata: { userId: user.id } }, { idempotencyKey })
    .catch((error: unknown) => {
      throw toBillingError(error);
    });
  const [linked] = await db
    .update(users)
    .set({ stripeCustomerId: customer.id })
    .where(and(eq(users.id, user.id), linkedNow))
    .returning({ stripeCustomerId: users.stripeCustomerId });
  if (linked?.stripeCustomerId) return linked.stripeCustomerId;
  const [stored] = await db
    .select({ stripeCustomerId: users.stripeCustomerId })
    .from(users)
    .where(eq(users.id, user.id));
  if (!stored?.stripeCustomerId) throw new Error(`user ${user.id} has no customer after linking ${customer.id}`);
  return stored.stripeCustomerId;
}
