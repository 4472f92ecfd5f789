import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiRoutes, headerValue, sleep } from './api';
import { apiKeyFrom, checkApiKey } from './auth';
import type { EmulatorContext } from './context';
import { checkApiVersion, StripeApiError, unrecognizedUrl } from './errors';
import { type FaultRule, pickFault } from './faults';
import { newId } from './ids';
import { registerCheckoutPage } from './pages/checkout';
import { registerInvoicePages } from './pages/invoice';
import { registerPortalPage } from './pages/portal';
import { parseParams } from './params';
import { registerBillingPortalRoutes } from './routes/billing-portal';
import { registerCheckoutSessionRoutes } from './routes/checkout-sessions';
import { type EmulatorControls, type EmulatorInfo, registerControlRoutes } from './routes/control';
import { registerCouponRoutes } from './routes/coupons';
import { registerCreditNoteRoutes } from './routes/credit-notes';
import { registerCustomerRoutes } from './routes/customers';
import { registerEventRoutes } from './routes/events';
import { registerInvoiceRoutes } from './routes/invoices';
import { registerPriceRoutes } from './routes/prices';
import { registerProductRoutes } from './routes/products';
import { registerPromotionCodeRoutes } from './routes/promotion-codes';
import { registerSubscriptionScheduleRoutes } from './routes/subscription-schedules';
import { registerSubscriptionRoutes } from './routes/subscriptions';
import { registerTestClockRoutes } from './routes/test-clocks';
import { registerTestHelperRoutes } from './routes/test-helpers';
import { registerWebhookEndpointRoutes } from './routes/webhook-endpoints';

const CONTROL_PREFIX = '/_emulator/';

export function buildServer(
  ctx: EmulatorContext,
  controls: EmulatorControls,
  logger: boolean,
  info: () => EmulatorInfo,
): FastifyInstance {
  const app = Fastify({
    logger,
    genReqId: () => newId('req'),
    // Requests held open by the `timeout` fault, and keep-alive sockets, must not stop close().
    forceCloseConnections: true,
    routerOptions: { querystringParser: (query) => parseParams(query) },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseParams(String(body)));
  });
  // Test helpers and the control API also take JSON; an empty body means no parameters.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body).trim();
    try {
      done(null, text === '' ? {} : JSON.parse(text));
    } catch {
      done(new StripeApiError(400, 'invalid_request_error', 'Invalid JSON in request body.'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    reply.header('Request-Id', request.id);
    if (path.startsWith(CONTROL_PREFIX)) return;
    const route = `${request.method} ${request.routeOptions.url ?? path}`;
    ctx.stats.record(route);
    if (!path.startsWith('/v1/')) return;
    reply.header('Stripe-Version', ctx.apiVersion);

    const fault = pickFault(ctx.settings.faults, route, `${request.method} ${path}`);
    if (fault && (await injectFault(fault, request, reply))) return reply;

    const authError = checkApiKey(apiKeyFrom(request.headers.authorization));
    if (authError) return reply.code(authError.status).send(authError.toBody());
    const versionError = checkApiVersion(headerValue(request.headers['stripe-version']), ctx.apiVersion);
    if (versionError) return reply.code(versionError.status).send(versionError.toBody());
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof StripeApiError) return reply.code(error.status).send(error.toBody());
    const status =
      typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (status < 500)
      return reply
        .code(400)
        .send(new StripeApiError(400, 'invalid_request_error', `Invalid request: ${message}`).toBody());
    request.log.error(error);
    return reply.code(500).send(new StripeApiError(500, 'api_error', `The emulator failed: ${message}`).toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const error = unrecognizedUrl(request.method, path);
    return reply.code(error.status).send(error.toBody());
  });

  const api = apiRoutes(app, ctx);
  registerPriceRoutes(api, ctx);
  registerProductRoutes(api, ctx);
  registerCustomerRoutes(api, ctx);
  registerCouponRoutes(api, ctx);
  registerPromotionCodeRoutes(api, ctx);
  registerCheckoutSessionRoutes(api, ctx);
  registerSubscriptionRoutes(api, ctx);
  registerSubscriptionScheduleRoutes(api, ctx);
  registerInvoiceRoutes(api, ctx);
  registerCreditNoteRoutes(api, ctx);
  registerBillingPortalRoutes(api, ctx);
  registerEventRoutes(api, ctx);
  registerTestHelperRoutes(api, ctx);
  registerTestClockRoutes(api, ctx);
  registerWebhookEndpointRoutes(api, ctx);
  registerCheckoutPage(app, ctx);
  registerPortalPage(app, ctx);
  registerInvoicePages(app, ctx);
  registerControlRoutes(app, controls, info, api.served);
  return app;
}

/**
 * Answers (or deliberately fails to answer) a faulted request before it is
 * processed. Returns false for `latency`, after which the request proceeds.
 */
async function injectFault(fault: FaultRule, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  switch (fault.kind) {
    case 'latency':
      await sleep(fault.latencyMs ?? 1000);
      return false;
    case 'reset':
      reply.hijack();
      request.raw.socket.destroy();
      return true;
    case 'timeout':
      // Never answer; the client gives up on its own timeout, close() drops the socket.
      reply.hijack();
      return true;
    case '429':
    case '429-retry':
      if (fault.kind === '429-retry') reply.header('Stripe-Should-Retry', 'true');
      reply.code(429).send({
        error: {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message:
            'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
          doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
        },
      });
      return true;
    case '409':
      reply
        .code(409)
        .send(
          new StripeApiError(
            409,
            'idempotency_error',
            'There is currently another in-progress request using this idempotency key. Please try again later.',
            'idempotency_key_in_use',
          ).toBody(),
        );
      return true;
    case '500':
    case '502':
    case '503':
      reply
        .code(Number(fault.kind))
        .send(
          new StripeApiError(
            Number(fault.kind),
            'api_error',
            'An unexpected error occurred (injected by the Stripe emulator).',
          ).toBody(),
        );
      return true;
  }
}
