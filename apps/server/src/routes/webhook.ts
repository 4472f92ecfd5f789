import { receiveStripeEvent } from '@subkit/billing';
import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { z } from 'zod';
import { successEnvelope } from '../http/envelope';
import { HTTP_ERROR_CODES } from '../http/error-codes';

// Stripe's own default: a signed timestamp older than this is a replay.
const SIGNATURE_TOLERANCE_SECONDS = 300;
// Events embed whole objects (a subscription with many items); give them more room than API calls.
const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** The `data` of an acknowledged event; the API document shows this very schema. */
export const webhookOutput = z.object({
  received: z.literal(true),
  outcome: z.enum(['received', 'duplicate']).meta({
    description: 'recorded, to be applied by the ledger drain (in any server process), or already processed before',
  }),
});
type WebhookAnswer = z.infer<typeof webhookOutput>;

/**
 * What the ledger and the drain rely on in an event (Stripe's `event` object: an `evt_` id, a type,
 * a creation time, the object it is about). A body signed with our secret is Stripe's, or a test
 * tool's; anything else would fail deep in the ledger as a 500, so it is refused here with a 400.
 */
const stripeEventShape = z.looseObject({
  id: z.string().regex(/^evt_\w{1,250}$/),
  object: z.literal('event'),
  type: z.string().min(1).max(200),
  created: z.number().int().nonnegative(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/**
 * POST /api/billing/webhook. Its own scope, so it can read the raw body: the signature covers the
 * exact bytes Stripe sent, which a parsed-and-re-serialized body would not reproduce. An event is
 * acknowledged (2xx) once it is safely recorded in the ledger (or known to be processed already),
 * without waiting on Stripe: the drain applies it, retrying failures itself. A forged signature or
 * a ledger that cannot be written is answered non-2xx, so Stripe retries.
 */
export default async function webhook(app: FastifyInstance) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );

  const { webhookEvents, webhookLag } = app.metrics;
  app.post('/api/billing/webhook', async (request) => {
    const { client, webhookSecret } = app.stripeConnection;
    const signature = request.headers['stripe-signature'];
    let event: Stripe.Event;
    try {
      if (typeof signature !== 'string' || !Buffer.isBuffer(request.body)) throw new Error('missing signature or body');
      event = client.webhooks.constructEvent(request.body, signature, webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      webhookEvents.inc({ type: 'unknown', outcome: 'invalid_signature' });
      throw new TRPCError({ ...HTTP_ERROR_CODES.INVALID_STRIPE_SIGNATURE, cause: error });
    }
    if (!stripeEventShape.safeParse(event).success) {
      webhookEvents.inc({ type: 'unknown', outcome: 'not_an_event' });
      throw new TRPCError(HTTP_ERROR_CODES.NOT_A_STRIPE_EVENT);
    }
    // Lag: how long the event waited (Stripe's queue, retries after our failures) before reaching us.
    webhookLag.observe({ type: event.type }, Math.max(0, Date.now() / 1000 - event.created));
    let outcome: WebhookAnswer['outcome'];
    try {
      outcome = await receiveStripeEvent(app.services.db, event);
    } catch (error) {
      webhookEvents.inc({ type: event.type, outcome: 'failed' });
      throw error;
    }
    webhookEvents.inc({ type: event.type, outcome });
    if (outcome === 'received') app.webhookDrain.wake();
    request.log.info({ eventId: event.id, type: event.type, outcome }, 'stripe event');
    const answer: WebhookAnswer = { received: true, outcome };
    return successEnvelope(answer);
  });
}
