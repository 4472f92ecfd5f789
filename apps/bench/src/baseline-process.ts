/**
 * The limit for this architecture on this machine: a bare Fastify route that does nothing but
 * `stripe.checkout.sessions.create` against the same emulator, with the same Stripe client settings
 * the product uses (createStripeClient: retries, timeout, keep-alive). No auth, no database, no
 * validation, no logging. Same request body as the real checkout, parsed by Fastify.
 *
 * With BASELINE_DATABASE_URL, a second route is the floor for any checkout that knows its user:
 * the same call after one prepared postgres.js query that turns the bearer token into the user's
 * Stripe customer (the product's session lookup, hand-written). Nothing real can cost less.
 */
import { hashSessionToken } from '@subkit/auth';
import { createStripeClient } from '@subkit/billing';
import Fastify from 'fastify';
import postgres from 'postgres';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const stripe = createStripeClient({ secretKey: env('STRIPE_SECRET_KEY'), apiBase: env('STRIPE_API_BASE') });
const customer = env('BASELINE_CUSTOMER');
const price = env('BASELINE_PRICE');

const app = Fastify({ logger: false });
// Requests received, for the benchmark's per-request figures (one integer, no hook).
let received = 0;
app.get('/_count', async () => ({ received }));
app.post('/_count/reset', async () => {
  received = 0;
  return { ok: true };
});
app.post('/checkout', async () => {
  received++;
  return createSession(customer);
});

const databaseUrl = process.env.BASELINE_DATABASE_URL;
if (databaseUrl) {
  const sql = postgres(databaseUrl, { max: 10 });
  app.post('/checkout-reading-session', async (request, reply) => {
    received++;
    const token = request.headers.authorization?.slice('Bearer '.length) ?? '';
    const [row] = await sql`
      select u.stripe_customer_id from sessions s join users u on u.id = s.user_id
      where s.id = ${hashSessionToken(token)} and s.expires_at > ${new Date().toISOString()}`;
    if (!row?.stripe_customer_id) return reply.status(401).send({ success: false });
    return createSession(row.stripe_customer_id as string);
  });
  app.addHook('onClose', () => sql.end());
}

async function createSession(customer: string) {
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: 'bench',
    line_items: [{ price, quantity: 1 }],
    success_url: 'http://127.0.0.1:5173/dashboard?checkout=success',
    cancel_url: 'http://127.0.0.1:5173/pricing?checkout=cancelled',
    // The same parameters the product sends, so the emulator does the same work for both.
    expires_at: Math.floor(Date.now() / 1000) + 24 * 60 * 60 - 60,
    metadata: { plan: 'pro', userId: 'bench' },
    subscription_data: { metadata: { plan: 'pro', userId: 'bench' } },
  });
  return { success: true, data: { sessionId: session.id, url: session.url } };
}

await app.listen({ host: '127.0.0.1', port: Number(env('PORT')) });
process.send?.({ ready: true });

process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
process.once('SIGINT', () => app.close().then(() => process.exit(0)));
