import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createStripeClient, type StripeReadBudget } from '@subkit/billing';
import { type AppServices, type Mailer, TtlCache } from '@subkit/core';
import { createDatabase, type DatabaseHandle } from '@subkit/db';
import { startStripeEmulator } from '@subkit/stripe-emulator';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type Stripe from 'stripe';
import type { Config } from '../config';
import { createOutboxMailer } from '../mail/outbox-mailer';
import { createSmtpMailer } from '../mail/smtp-mailer';
import { createRateLimiter } from '../rate-limiter';

/** A Stripe client and what goes with it; tests hand one in that points at their own emulator. */
export interface StripeConnection {
  client: Stripe;
  mode: 'emulator' | 'stripe';
  webhookSecret: string;
  /** Which Stripe account the client speaks for (`stripeAccountOf` its secret key). */
  account: string;
}

/**
 * A Stripe account's name for shared limits: a digest of its secret key, never the key. Stripe's
 * rate limit is per account, so the webhook drain's read budget is kept per account too: the
 * processes of one deployment share it, while two accounts (or two emulators, as in the tests that
 * share one Redis) never count against each other.
 */
export function stripeAccountOf(secretKey: string): string {
  return createHash('sha256').update(secretKey).digest('hex').slice(0, 16);
}

export interface ServicesOptions {
  config: Config;
  database?: DatabaseHandle | undefined;
  stripe?: StripeConnection | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
    database: DatabaseHandle;
    stripeConnection: StripeConnection;
    /** Shared by every process through Redis when configured; the webhook drain waits on it. */
    stripeReadBudget: StripeReadBudget;
  }
}

async function connectStripe(app: FastifyInstance, config: Config): Promise<StripeConnection> {
  const { stripe } = config;
  if (stripe.mode === 'stripe') {
    // Config validation guarantees a webhook secret whenever the real Stripe is used.
    return {
      client: createStripeClient({ secretKey: stripe.secretKey, apiBase: stripe.apiBase }),
      mode: stripe.apiBase ? 'emulator' : 'stripe',
      webhookSecret: stripe.webhookSecret ?? '',
      account: stripeAccountOf(stripe.secretKey),
    };
  }
  const emulator = await startStripeEmulator({
    port: stripe.emulatorPort,
    // Beside PGlite's directory (default .data/stripe-emulator.json), also when the database is
    // Postgres: the customers our users table points at must outlive a restart.
    dataDir: emulatorDataDir(config),
    webhookSecret: stripe.webhookSecret,
    webhookEndpoints: [`http://127.0.0.1:${config.port}/api/billing/webhook`],
    // Config has already refused NODE_ENV=production without STRIPE_EMULATOR_ALLOW_PRODUCTION.
    allowProduction: stripe.allowProduction,
  });
  app.addHook('onClose', () => emulator.close());
  app.log.info(
    { url: emulator.url, dataDir: emulatorDataDir(config) },
    'No STRIPE_SECRET_KEY set: started the built-in Stripe emulator (no account or network needed)',
  );
  return {
    client: createStripeClient({ secretKey: emulator.secretKey, apiBase: emulator.url }),
    mode: 'emulator',
    webhookSecret: emulator.webhookSecret,
    account: stripeAccountOf(emulator.secretKey),
  };
}

/** Where the embedded emulator keeps its state file: the directory that holds PGlite's data directory. */
function emulatorDataDir(config: Config): string {
  return dirname(resolve(config.database.pgliteDir));
}

/** SMTP when configured; otherwise the database outbox (see config.ts for when its page is served). */
function createMailer(app: FastifyInstance, config: Config, database: DatabaseHandle): Mailer {
  const { mail } = config;
  if (mail.transport === 'smtp') {
    const mailer = createSmtpMailer(mail);
    app.addHook('onClose', async () => mailer.close());
    return mailer;
  }
  if (!mail.servePage) {
    // Not a refusal to start: sign-in, checkout and billing need no mail, and nothing is gated on a
    // verified address. But reset links would reach nobody, so the operator hears of it at every start.
    app.log.warn(
      'SMTP_URL is unset under NODE_ENV=production: account mail (password resets, verification) is kept ' +
        'unsent in the mail_outbox table; set SMTP_URL to send it',
    );
  }
  return createOutboxMailer(database.db);
}

/**
 * Everything a request needs that outlives it: database, Stripe, caches and settings. Created once
 * per process; the server stays stateless beyond caches, so Postgres remains the one source of truth.
 */
async function services(app: FastifyInstance, options: ServicesOptions) {
  const { config } = options;
  const database =
    options.database ??
    (await createDatabase({ url: config.database.url, pgliteDataDir: resolve(config.database.pgliteDir) }));
  if (!options.database) {
    app.addHook('onClose', () => database.close());
    const migrations = database.appliedMigrations;
    app.log.info(
      { migrations },
      migrations.length === 0 ? 'database schema up to date' : `applied ${migrations.length} database migrations`,
    );
  }

  const stripe = options.stripe ?? (await connectStripe(app, config));
  const rateLimiter = await createRateLimiter({
    redisUrl: config.redisUrl,
    perMinute: {
      auth: config.rateLimits.authPerMinute,
      checkout: config.rateLimits.checkoutPerMinute,
      stripe: config.rateLimits.stripePerMinute,
      mail: config.rateLimits.mailPerMinute,
    },
    stripeReadsPerSecond: config.stripeReadsPerSecond,
    stripeAccount: stripe.account,
  });
  app.addHook('onClose', () => rateLimiter.close());

  app.decorate('database', database);
  app.decorate('stripeConnection', stripe);
  app.decorate('stripeReadBudget', rateLimiter.stripeReads);
  app.decorate('services', {
    db: database.db,
    stripe: stripe.client,
    cache: new TtlCache(),
    rateLimiter,
    mailer: createMailer(app, config, database),
    now: () => new Date(),
    settings: {
      billing: {
        allowedRedirectOrigins: config.allowedRedirectOrigins,
        plans: config.plans,
        allowPromotionCodes: config.allowPromotionCodes,
        trialDays: config.trial.days,
        trialRequiresCard: config.trial.requiresCard,
      },
      auth: { appUrl: config.publicUrl },
    },
  } satisfies AppServices);
}

export default fp(services, { name: 'services' });
