import { getJson, postJson } from './processes';
import type { BenchStack } from './stack';

export const PRICE = 'price_1ABC123XYZ';
export const ORIGIN = 'http://127.0.0.1:5173';
export const CHECKOUT_BODY = JSON.stringify({
  priceId: PRICE,
  successUrl: `${ORIGIN}/dashboard?checkout=success`,
  cancelUrl: `${ORIGIN}/pricing?checkout=cancelled`,
  metadata: { plan: 'pro', referralCode: 'FRIEND20' },
});

export interface BenchUsers {
  /** Signed up through the REST API and checked out once: their Stripe customer exists and is in our database. */
  returningTokens: string[];
  /** Subscriptions of paid checkouts, for the customer.subscription.updated webhook runs. */
  subscriptionIds: string[];
}

export async function createUsers({ serverUrl, emulatorUrl, secretKey }: BenchStack): Promise<BenchUsers> {
  const returningTokens: string[] = [];
  for (let i = 0; i < 20; i++) {
    const signup = await postJson<{ data: { token: string } }>(`${serverUrl}/api/auth/signup`, {
      email: `returning-${i}-${Date.now()}@bench.example.com`,
      password: 'correct horse battery',
    });
    returningTokens.push(signup.data.token);
    await postJson(`${serverUrl}/api/billing/checkout`, JSON.parse(CHECKOUT_BODY), {
      authorization: `Bearer ${signup.data.token}`,
    });
  }
  const subscriptionIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { data } = await postJson<{ data: { token: string } }>(`${serverUrl}/api/auth/signup`, {
      email: `subscriber-${i}-${Date.now()}@bench.example.com`,
      password: 'correct horse battery',
    });
    const checkout = await postJson<{ data: { sessionId: string } }>(
      `${serverUrl}/api/billing/checkout`,
      JSON.parse(CHECKOUT_BODY),
      { authorization: `Bearer ${data.token}` },
    );
    const session = await postJson<{ subscription: string }>(
      `${emulatorUrl}/v1/test_helpers/checkout/sessions/${checkout.data.sessionId}/complete`,
      {},
      { authorization: `Bearer ${secretKey}` },
    );
    subscriptionIds.push(session.subscription);
  }
  return { returningTokens, subscriptionIds };
}

/** New customers, seeded in bulk by the server process (each is used once). */
export async function seedNewUsers({ controlUrl }: BenchStack, count: number): Promise<string[]> {
  return (await getJson<{ tokens: string[] }>(`${controlUrl}/seed-users?count=${count}&prefix=new-${Date.now()}`))
    .tokens;
}

/**
 * Returning customers, each used once: their Stripe customer exists and is linked, and they have no
 * open checkout. A user who checks out again instead has the earlier session expired at Stripe
 * (only the newest checkout is payable), a second Stripe call the "returning" figures leave out.
 */
export async function seedReturningUsers({ controlUrl }: BenchStack, count: number): Promise<string[]> {
  return (
    await getJson<{ tokens: string[] }>(
      `${controlUrl}/seed-users?count=${count}&prefix=returning-${Date.now()}&customers=1`,
    )
  ).tokens;
}
