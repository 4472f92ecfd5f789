import { randomUUID } from 'node:crypto';
import { type Database, users } from '@subkit/db';
import type { StripeEmulator } from '@subkit/stripe-emulator';
import type Stripe from 'stripe';

/**
 * A user of ours with a paid subscription in Stripe, made through a checkout paid on the emulator's
 * hosted page. No webhook endpoint is registered, so no event arrives by itself: each test delivers
 * what it means to deliver. The subscription carries the user's id in its metadata, as the
 * product's checkout sets it.
 */
export async function subscribedUser(
  db: Database,
  stripe: Stripe,
  emulator: StripeEmulator,
  price = 'price_1ABC123XYZ',
): Promise<{ userId: string; subscriptionId: string }> {
  const email = `${randomUUID()}@example.com`;
  const customer = await stripe.customers.create({ email });
  const [user] = await db
    .insert(users)
    .values({ email, passwordHash: 'unused', stripeCustomerId: customer.id })
    .returning({ id: users.id });
  if (!user) throw new Error('the user was not inserted');
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price, quantity: 1 }],
    subscription_data: { metadata: { userId: user.id } },
    success_url: 'https://app.example.com/dashboard',
    cancel_url: 'https://app.example.com/pricing',
  });
  const completed = await fetch(`${emulator.url}/v1/test_helpers/checkout/sessions/${session.id}/complete`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.secretKey}` },
  });
  const { subscription } = (await completed.json()) as { subscription: string };
  return { userId: user.id, subscriptionId: subscription };
}
