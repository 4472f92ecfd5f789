import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '@subkit/db';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config';
import { loggerOptions } from './logging';
import errors, { replyWithError } from './plugins/errors';
import housekeeping, { DEFAULT_HOUSEKEEPING_SCHEDULE, type HousekeepingSchedule } from './plugins/housekeeping';
import metrics from './plugins/metrics';
import openapi from './plugins/openapi';
import requestBodies from './plugins/request-bodies';
import security from './plugins/security';
import services, { type StripeConnection } from './plugins/services';
import webhookDrain from './plugins/webhook-drain';
import devOutbox from './routes/dev-outbox';
import docs from './routes/docs';
import health from './routes/health';
import readiness from './routes/readiness';
import rest from './routes/rest';
import trpc from './routes/trpc';
import webApp from './routes/web-app';
import webhook from './routes/webhook';
import { fastifyTrustProxy } from './trust-proxy';

export interface BuildAppOptions {
  config: Config;
  /** Tests hand in a shared database and a Stripe client on their own emulator. */
  database?: DatabaseHandle;
  stripe?: StripeConnection;
  logger?: FastifyServerOptions['logger'];
  /** Where the production logger settings write instead of stdout (tests read the log there). */
  logStream?: { write(line: string): void };
  /** Tests shorten it to watch a run. */
  housekeeping?: HousekeepingSchedule;
}

// Checkout and auth bodies are tiny; a small cap makes oversized bodies a cheap 413.
const BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export async function buildApp(options: BuildAppOptions) {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config, options.logStream),
    bodyLimit: BODY_LIMIT_BYTES,
    // A first start creates PGlite's data directory and migrates it: 20 s on a busy 2-core machine,
    // past Fastify's 10 s default for a plugin. A database that cannot be reached fails on its own.
    pluginTimeout: 120_000,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // tRPC batches put several procedure names in one path segment.
    routerOptions: { maxParamLength: 5_000 },
    // A path that is not valid percent-encoding (`/api/%ZZ`) is refused before routing, where the
    // error handler never sees it: answer it in the envelope all the same.
    frameworkErrors: replyWithError,
    // A caller's (or proxy's) request id is kept when it is safe to log; otherwise we mint one.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  // The API reads JSON only. Fastify's default text/plain parser would hand a JSON-looking body to
  // the routes as a string ("must be a JSON object"); without it, text/plain is a 415 like any other.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Plugins: what every request passes through, and the process's services and timers.
  await app.register(services, { config, database: options.database, stripe: options.stripe });
  await app.register(errors);
  await app.register(requestBodies);
  await app.register(security, {
    allowedOrigins: config.allowedRedirectOrigins,
    servedOverHttps: new URL(config.publicUrl).protocol === 'https:',
  });
  // Before the routes: the document plugin records every route registered after it.
  await app.register(openapi);
  await app.register(metrics, { token: config.metricsToken });
  await app.register(housekeeping, options.housekeeping ?? DEFAULT_HOUSEKEEPING_SCHEDULE);
  await app.register(webhookDrain);

  // Routes: the endpoints.
  await app.register(health);
  await app.register(readiness);
  await app.register(docs);
  await app.register(trpc);
  await app.register(rest);
  await app.register(webhook);
  if (config.mail.transport === 'outbox' && config.mail.servePage) await app.register(devOutbox);
  await app.register(webApp, { distDir: config.webDistDir });
  return app;
}
