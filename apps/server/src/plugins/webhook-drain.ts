import { DEFAULT_DRAIN_OPTIONS, startWebhookDrain, type WebhookDrain } from '@subkit/billing';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Applies the events the webhook endpoint records; the endpoint wakes it. */
    webhookDrain: Pick<WebhookDrain, 'wake'>;
  }
}

/**
 * Every process drains the webhook ledger, whichever process received the events: from the moment
 * the server is ready until it closes (which lets the claim in hand finish, so its events need not
 * wait out their lease in another process).
 */
async function webhookDrain(app: FastifyInstance) {
  let drain: WebhookDrain | undefined;
  app.decorate('webhookDrain', { wake: () => drain?.wake() });
  app.addHook('onReady', async () => {
    drain = startWebhookDrain(
      {
        ...app.services,
        log: app.log,
        readBudget: app.stripeReadBudget,
        onOutcome: (type, outcome) => app.metrics.webhookEvents.inc({ type, outcome }),
      },
      DEFAULT_DRAIN_OPTIONS,
    );
  });
  app.addHook('onClose', async () => {
    await drain?.stop();
  });
}

export default fp(webhookDrain, { name: 'webhook-drain', dependencies: ['services'] });
