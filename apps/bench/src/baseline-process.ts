/**
 * The limit for this architecture on this machine: a bare Fastify route that does nothing but
 * `stripe.checkout.sessions.create` against the same emulator, with the same Stripe client settings
 * the product uses (createStripeClient: retries, timeout, keep-alive). No auth, no database, no
 * validation, no logging. Same request body as the real checkout, parsed by Fastify.
 */
import { createStripeClient } from '@subkit/billing';
import Fastify from 'fastify';

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
});
await app.listen({ host: '127.0.0.1', port: Number(env('PORT')) });
process.send?.({ ready: true });

process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
process.once('SIGINT', () => app.close().then(() => process.exit(0)));
