import { subscriptions, users } from '@subkit/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { countCheck, figures } from './figures';
import type { Model, ModelUser, Real } from './model';
import { PLANS } from './system';

const LIVE = new Set(['active', 'trialing', 'past_due']);
/** argon2id at OWASP's parameters (m=19 MiB, t=2, p=1), in PHC string form. */
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$';

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

function check(condition: boolean, message: () => string): void {
  countCheck();
  if (!condition) throw new InvariantViolation(message());
}

/**
 * Cheap, after a checkout answered 200: Stripe got a session for a price on offer, with redirect
 * URLs in normal form (what the caller meant, spelled the one way Stripe and browsers agree on).
 */
export function checkCreatedSession(session: Stripe.Checkout.Session, priceId: string, urls: string[]): void {
  check(PLANS.includes(priceId), () => `checkout ${session.id} sold ${priceId}, which is not on offer (${PLANS})`);
  for (const [field, sent, stored] of [
    ['success_url', urls[0], session.success_url],
    ['cancel_url', urls[1], session.cancel_url],
  ] as const) {
    if (!sent || !stored) continue;
    check(
      normalised(stored) === stored && normalised(stored) === normalised(sent),
      () => `${field} reached Stripe as ${JSON.stringify(stored)} for ${JSON.stringify(sent)}: not normalised`,
    );
  }
}

/** `{CHECKOUT_SESSION_ID}` is Stripe's placeholder and must reach it unescaped. */
function normalised(url: string): string {
  return new URL(url).href.replaceAll('%7BCHECKOUT_SESSION_ID%7D', '{CHECKOUT_SESSION_ID}');
}

/**
 * The expensive invariants, once webhooks have settled: per user, one Stripe customer linked in
 * our database, at most one live subscription, every subscription for a price on offer, our copy
 * equal to Stripe's, the API showing the live one, and Stripe holding what the model expects.
 */
export async function checkSettled(model: Model, real: Real): Promise<void> {
  figures.settles += 1;
  for (const user of model.users) await checkUser(user, real);
}

async function checkUser(user: ModelUser, real: Real): Promise<void> {
  const { stripe, db } = real.system;
  const who = `${user.label} (${user.userId})`;

  const customers = await stripe.customers.list({ email: user.email, limit: 100 });
  check(customers.data.length <= 1, () => `${who} has ${customers.data.length} Stripe customers (duplicated)`);
  const [row] = await db
    .select({ stripeCustomerId: users.stripeCustomerId, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, user.userId));
  check(
    row?.passwordHash.startsWith(PASSWORD_HASH) === true,
    () => `${who}: password stored as ${row?.passwordHash.split('$').slice(0, 4).join('$')}, not ${PASSWORD_HASH}`,
  );
  const customer = customers.data[0];
  // A customer Stripe lost may stay linked until the user's next checkout; one Stripe has is always linked.
  const staleLinkAllowed = user.customerForgotten && customer === undefined;
  check(
    (row?.stripeCustomerId ?? null) === (customer?.id ?? null) || staleLinkAllowed,
    () => `${who}: database links customer ${row?.stripeCustomerId}, Stripe has ${customer?.id ?? 'none'} (orphaned)`,
  );
  if (user.customer === 'yes') check(customer !== undefined, () => `${who} checked out but has no Stripe customer`);

  const atStripe = customer
    ? (await stripe.subscriptions.list({ customer: customer.id, status: 'all', limit: 100 })).data
    : [];
  const live = atStripe.filter((subscription) => LIVE.has(subscription.status));
  check(live.length <= 1, () => `${who} has ${live.length} live subscriptions at Stripe: ${ids(live)}`);
  for (const subscription of atStripe) {
    const priceId = subscription.items.data[0]?.price.id ?? '?';
    check(PLANS.includes(priceId), () => `${who} bought ${priceId} (${subscription.id}), not on offer`);
  }

  const ours = await db
    .select({
      id: subscriptions.id,
      status: subscriptions.status,
      priceId: subscriptions.priceId,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
    })
    .from(subscriptions)
    .where(eq(subscriptions.userId, user.userId));
  const theirs = atStripe.map((subscription) => ({
    id: subscription.id,
    status: subscription.status as string,
    priceId: subscription.items.data[0]?.price.id ?? '?',
    cancelAtPeriodEnd: isCancelling(subscription),
  }));
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  check(
    JSON.stringify(ours.sort(byId)) === JSON.stringify(theirs.sort(byId)),
    () => `${who}: database ${JSON.stringify(ours)} disagrees with Stripe ${JSON.stringify(theirs)}`,
  );

  const shown = await real.system.call(0, 'GET', '/api/billing/subscription', { token: user.token }, real.record);
  const current = (shown.body as { data: { id: string } | null }).data;
  if (live[0]) check(current?.id === live[0].id, () => `${who}: API shows ${current?.id}, live is ${live[0]?.id}`);
  else if (atStripe.length === 0) check(current === null, () => `${who}: API shows ${current?.id}, Stripe has none`);

  checkExpectation(user, live, who);
}

/** The model's word against Stripe's. A fix may keep a different one of two paid subscriptions: then it follows. */
function checkExpectation(user: ModelUser, live: Stripe.Subscription[], who: string): void {
  const [only] = live;
  const { expected } = user;
  check(
    (expected !== null) === (only !== undefined),
    () =>
      `${who}: the model expects ${expected ? `live ${expected.id}` : 'no live subscription'}, Stripe has ${ids(live) || 'none'}`,
  );
  if (!expected || !only) return;
  if (only.id !== expected.id) {
    user.expected = {
      id: only.id,
      priceId: only.items.data[0]?.price.id ?? '?',
      periodEnd: only.items.data[0]?.current_period_end ?? 0,
      cancelAtPeriodEnd: isCancelling(only),
    };
    return;
  }
  check(
    isCancelling(only) === expected.cancelAtPeriodEnd,
    () =>
      `${who}: ${only.id} cancel_at_period_end is ${only.cancel_at_period_end} and cancel_at ${only.cancel_at}, the model expects ${expected.cancelAtPeriodEnd ? 'a' : 'no'} cancellation`,
  );
}

function ids(list: { id: string }[]): string {
  return list.map((item) => item.id).join(', ');
}

/** A scheduled cancellation in either billing mode: classic sets the flag, flexible's portal only the date. */
export function isCancelling(subscription: Pick<Stripe.Subscription, 'cancel_at' | 'cancel_at_period_end'>): boolean {
  return subscription.cancel_at_period_end || subscription.cancel_at !== null;
}
