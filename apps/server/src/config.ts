import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CATALOG, isCatalogProduct } from '@subkit/stripe-emulator';
import { z } from 'zod';
import { type TrustProxy, trustProxySetting } from './trust-proxy';

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, {
  message: 'must be a list of origins such as https://app.example.com (scheme, host and port only)',
});

/**
 * What the pricing page offers when nothing else is configured: every active recurring price of
 * the emulator's seeded catalog, cheapest first, so a price added there shows up without a second edit.
 */
const EMULATOR_PLANS = DEFAULT_CATALOG.filter(isCatalogProduct)
  .flatMap((entry) => entry.prices)
  .filter((price) => price.recurring && price.active !== false)
  .sort((a, b) => a.unit_amount - b.unit_amount)
  .map((price) => price.id);

/**
 * Every variable the server reads. `.env.example` at the repository root lists exactly these keys
 * (a test compares them), each with a comment.
 */
const PORT_MESSAGE = 'must be a port number (0 to 65535)';
const port = z.coerce.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65_535, PORT_MESSAGE);
const PER_MINUTE_MESSAGE = 'must be a whole number above 0';
// Per minute or, for STRIPE_READS_PER_SEC, per second: a whole number above 0 either way.
const perMinute = z.coerce.number({ error: PER_MINUTE_MESSAGE }).int(PER_MINUTE_MESSAGE).positive(PER_MINUTE_MESSAGE);
const flag = z.stringbool({ error: 'must be true or false' });
// Stripe's limit for trial_period_days (Checkout session create, subscription_data.trial_period_days).
const MAX_TRIAL_DAYS = 730;
const TRIAL_DAYS_MESSAGE = `must be a whole number of days from 0 (no trial) to ${MAX_TRIAL_DAYS}`;
const trialDays = z.coerce
  .number({ error: TRIAL_DAYS_MESSAGE })
  .int(TRIAL_DAYS_MESSAGE)
  .min(0, TRIAL_DAYS_MESSAGE)
  .max(MAX_TRIAL_DAYS, TRIAL_DAYS_MESSAGE);

const envShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1, 'must not be blank').default('127.0.0.1'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Human-readable logs; default: on under NODE_ENV=development when stdout is a terminal. */
  LOG_PRETTY: flag.optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' }).optional(),
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_… or rk_…)')
    .optional(),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\S+$/, 'must start with whsec_')
    .optional(),
  STRIPE_EMULATOR_PORT: port.default(12_111),
  /** The emulator fakes every payment, so NODE_ENV=production refuses it unless this says otherwise. */
  STRIPE_EMULATOR_ALLOW_PRODUCTION: flag.default(false),
  /** The web app's origin: where redirects may go and CORS may come from by default. */
  PUBLIC_URL: origin.optional(),
  ALLOWED_REDIRECT_ORIGINS: list.pipe(z.array(origin)).optional(),
  WEB_DIST_DIR: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional(),
  RATE_LIMIT_AUTH_PER_MIN: perMinute.default(10),
  RATE_LIMIT_CHECKOUT_PER_MIN: perMinute.default(20),
  /** Calls of procedures that call Stripe (checkout, billing portal) per user, all counted together. */
  RATE_LIMIT_STRIPE_PER_MIN: perMinute.default(30),
  /** Account mails (reset links, verification links) per email address or user. */
  RATE_LIMIT_MAIL_PER_MIN: perMinute.default(3),
  /**
   * Stripe reads the webhook drain may make per second, across every process (through Redis when
   * REDIS_URL is set). 10 by default: test mode allows 25 operations per second per account and
   * live mode 100 (https://docs.stripe.com/rate-limits), so a renewal storm's reads leave test
   * mode more than half of its limit for checkouts, which never wait on this budget.
   */
  STRIPE_READS_PER_SEC: perMinute.default(10),
  /** Behind load balancers: how many there are, or their addresses, so per-IP limits see the real client. */
  TRUST_PROXY: trustProxySetting.default(false),
  PLANS: list.pipe(z.array(z.string().min(1)).min(1, 'must name at least one price')).optional(),
  /** Stripe's checkout page offers a promotion code field (when the caller passed no promotionCode). */
  ALLOW_PROMOTION_CODES: flag.default(false),
  /** Days of free trial on a user's first subscription; 0: no trial. */
  TRIAL_DAYS: trialDays.default(0),
  /** false: a trial starts without a card, and the subscription ends with the trial unless one is added. */
  TRIAL_REQUIRES_CARD: flag.default(true),
  /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Where account mail goes (nodemailer's URL form); unset: the database outbox, shown at /dev/outbox. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .regex(/^([^<>]*<[^<>\s]+@[^<>\s]+>|[^<>\s]+@[^<>\s]+)$/, {
      message: 'must be an address, as no-reply@example.com or "Subkit <no-reply@example.com>"',
    })
    .optional(),
};

/** The names of every variable, in the order `.env.example` lists them. */
export const ENV_VARIABLES = Object.keys(envShape) as (keyof typeof envShape)[];

// The variables the cross-checks below read: they run whenever these parsed, even if others did
// not, so one start-up lists every problem at once.
const CROSS_CHECKED = [
  'NODE_ENV',
  'STRIPE_SECRET_KEY',
  'STRIPE_API_BASE',
  'STRIPE_WEBHOOK_SECRET',
  'STRIPE_EMULATOR_ALLOW_PRODUCTION',
];

const envSchema = z.object(envShape).superRefine(
  (env, ctx) => {
    // Live keys go to Stripe itself, never to an emulator or stripe-mock that would happily accept them.
    if (
      env.STRIPE_SECRET_KEY?.includes('_live_') &&
      env.STRIPE_API_BASE &&
      new URL(env.STRIPE_API_BASE).host !== 'api.stripe.com'
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message: 'is a live key but STRIPE_API_BASE points at an emulator (not api.stripe.com); refusing to mix them',
      });
    }
    if (env.NODE_ENV === 'production' && !env.STRIPE_SECRET_KEY && !env.STRIPE_EMULATOR_ALLOW_PRODUCTION) {
      ctx.addIssue({
        code: 'custom',
        path: ['NODE_ENV'],
        message:
          'is production but STRIPE_SECRET_KEY is unset, which would start the built-in Stripe emulator (it fakes every payment); ' +
          'set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or STRIPE_EMULATOR_ALLOW_PRODUCTION=true to run the emulator anyway',
      });
    }
    if (env.STRIPE_API_BASE && !env.STRIPE_SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_API_BASE'],
        message: 'needs STRIPE_SECRET_KEY too (unset both to use the built-in emulator)',
      });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_API_BASE && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_WEBHOOK_SECRET'],
        message: 'is required with STRIPE_SECRET_KEY (copy it from `stripe listen` or the dashboard)',
      });
    }
  },
  {
    when: (payload) => payload.issues.every((issue) => !CROSS_CHECKED.includes(String(issue.path?.[0]))),
  },
);

export type Env = z.input<typeof envSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: string;
  /** pino-pretty instead of JSON lines. */
  logPretty: boolean;
  database: { url: string | undefined; pgliteDir: string };
  /** `emulator`: start the in-process emulator. `stripe`: use the key (and base URL, if any) given. */
  stripe:
    | { mode: 'emulator'; emulatorPort: number; webhookSecret: string | undefined; allowProduction: boolean }
    | { mode: 'stripe'; secretKey: string; apiBase: string | undefined; webhookSecret: string | undefined };
  publicUrl: string;
  /** Exact origins, or `http://localhost:*` (any port) for the unconfigured development server. */
  allowedRedirectOrigins: string[];
  /** Price ids or lookup keys on offer; `all-active`: every active recurring price (a real key, PLANS unset). */
  plans: string[] | 'all-active';
  /** Stripe's checkout page lets customers type a promotion code. */
  allowPromotionCodes: boolean;
  /** The built web app, served under `start`. */
  webDistDir: string;
  /** Free trials: days on a user's first subscription (0: none), and whether the trial needs a card. */
  trial: { days: number; requiresCard: boolean };
  /** Shared store for rate limits across processes; unset: each process counts on its own. */
  redisUrl: string | undefined;
  rateLimits: { authPerMinute: number; checkoutPerMinute: number; stripePerMinute: number; mailPerMinute: number };
  /** The webhook drain's budget of Stripe reads per second, shared through Redis when configured. */
  stripeReadsPerSecond: number;
  /** Which X-Forwarded-For entries to believe; see trust-proxy.ts. */
  trustProxy: TrustProxy;
  /** Bearer token GET /metrics requires; unset: /metrics is open (keep it off the public network). */
  metricsToken: string | undefined;
  /**
   * `smtp`: send through the server at `url`. `outbox`: write to the `mail_outbox` table, which
   * GET /dev/outbox shows when `servePage` (never under NODE_ENV=production).
   */
  mail: { from: string } & ({ transport: 'smtp'; url: string } | { transport: 'outbox'; servePage: boolean });
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Where the app is when PUBLIC_URL is unset: this server, as localhost or 127.0.0.1. Under
 * `pnpm dev` it is also the Vite dev server, whose port Vite picks when it starts (5174 when 5173
 * is busy) and which the browser sends redirect URLs from; the API cannot learn that port before
 * it is asked, so development allows any loopback port. Nothing but the developer's own machine
 * serves those origins; NODE_ENV=production and test keep to the exact list.
 */
function localAppOrigins(port: number, nodeEnv: Config['nodeEnv']): string[] {
  const ownPort = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  return nodeEnv === 'development'
    ? [...ownPort, 'http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']
    : ownPort;
}

/** Reads and validates the environment once; every problem is listed, not just the first. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // `KEY=` (as in a copied .env.example) means unset, not an empty value.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  // The web app's own origins are always allowed; ALLOWED_REDIRECT_ORIGINS adds to them.
  const appOrigins = e.PUBLIC_URL ? [publicUrl] : localAppOrigins(e.PORT, e.NODE_ENV);
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? (e.NODE_ENV === 'development' && process.stdout.isTTY === true),
    database: { url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR },
    stripe: e.STRIPE_SECRET_KEY
      ? {
          mode: 'stripe',
          secretKey: e.STRIPE_SECRET_KEY,
          apiBase: e.STRIPE_API_BASE,
          webhookSecret: e.STRIPE_WEBHOOK_SECRET,
        }
      : {
          mode: 'emulator',
          emulatorPort: e.STRIPE_EMULATOR_PORT,
          webhookSecret: e.STRIPE_WEBHOOK_SECRET,
          allowProduction: e.STRIPE_EMULATOR_ALLOW_PRODUCTION,
        },
    publicUrl,
    allowedRedirectOrigins: [...new Set([...appOrigins, ...(e.ALLOWED_REDIRECT_ORIGINS ?? [])])],
    // The emulator's ids mean nothing in a real account, whose own active prices are the sane default.
    plans: e.PLANS ?? (e.STRIPE_SECRET_KEY ? 'all-active' : EMULATOR_PLANS),
    allowPromotionCodes: e.ALLOW_PROMOTION_CODES,
    trial: { days: e.TRIAL_DAYS, requiresCard: e.TRIAL_REQUIRES_CARD },
    redisUrl: e.REDIS_URL,
    rateLimits: {
      authPerMinute: e.RATE_LIMIT_AUTH_PER_MIN,
      checkoutPerMinute: e.RATE_LIMIT_CHECKOUT_PER_MIN,
      stripePerMinute: e.RATE_LIMIT_STRIPE_PER_MIN,
      mailPerMinute: e.RATE_LIMIT_MAIL_PER_MIN,
    },
    stripeReadsPerSecond: e.STRIPE_READS_PER_SEC,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    mail: {
      // The app's own domain is the likeliest one an operator may send from.
      from: e.MAIL_FROM ?? `Subkit <no-reply@${new URL(publicUrl).hostname}>`,
      ...(e.SMTP_URL
        ? { transport: 'smtp' as const, url: e.SMTP_URL }
        : { transport: 'outbox' as const, servePage: e.NODE_ENV !== 'production' }),
    },
    webDistDir: resolve(e.WEB_DIST_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url))),
  };
}
