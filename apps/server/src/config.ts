import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, {
  message: 'must be a list of origins such as https://app.example.com (scheme, host and port only)',
});

/** The emulator's seeded catalog: what the pricing page offers when nothing else is configured. */
const EMULATOR_PLANS = 'price_starter_monthly,price_1ABC123XYZ,price_pro_yearly';

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' }).optional(),
    PGLITE_DIR: z.string().min(1).default('.data/pglite'),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_… or rk_…)')
      .optional(),
    STRIPE_API_BASE: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_\S+$/, 'must start with whsec_')
      .optional(),
    STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(12_111),
    /** The web app's origin: where redirects may go and CORS may come from by default. */
    PUBLIC_URL: origin.optional(),
    ALLOWED_REDIRECT_ORIGINS: list.pipe(z.array(origin)).optional(),
    WEB_DIST_DIR: z.string().min(1).optional(),
    PLANS: list.pipe(z.array(z.string().min(1)).min(1, 'must name at least one price')).optional(),
  })
  .superRefine((env, ctx) => {
    const emulatedBase = env.STRIPE_API_BASE && /^(localhost|127\.|\[::1\])/.test(new URL(env.STRIPE_API_BASE).host);
    if (env.STRIPE_SECRET_KEY?.includes('_live_') && emulatedBase) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message: 'is a live key but STRIPE_API_BASE points at a local server; refusing to mix them',
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
  });

export type Env = z.input<typeof envSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: string;
  database: { url: string | undefined; pgliteDir: string };
  /** `emulator`: start the in-process emulator. `stripe`: use the key (and base URL, if any) given. */
  stripe:
    | { mode: 'emulator'; emulatorPort: number; webhookSecret: string | undefined }
    | { mode: 'stripe'; secretKey: string; apiBase: string | undefined; webhookSecret: string | undefined };
  publicUrl: string;
  allowedRedirectOrigins: string[];
  plans: string[];
  /** The built web app, served under `start`. */
  webDistDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; every problem is listed, not just the first. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  // Unconfigured, the app is reached as localhost or 127.0.0.1, and under `pnpm dev` through Vite.
  const localOrigins = e.PUBLIC_URL
    ? [publicUrl]
    : [publicUrl, `http://127.0.0.1:${e.PORT}`, 'http://localhost:5173', 'http://127.0.0.1:5173'];
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR },
    stripe: e.STRIPE_SECRET_KEY
      ? {
          mode: 'stripe',
          secretKey: e.STRIPE_SECRET_KEY,
          apiBase: e.STRIPE_API_BASE,
          webhookSecret: e.STRIPE_WEBHOOK_SECRET,
        }
      : { mode: 'emulator', emulatorPort: e.STRIPE_EMULATOR_PORT, webhookSecret: e.STRIPE_WEBHOOK_SECRET },
    publicUrl,
    allowedRedirectOrigins: e.ALLOWED_REDIRECT_ORIGINS ?? localOrigins,
    plans: e.PLANS ?? EMULATOR_PLANS.split(','),
    webDistDir: resolve(e.WEB_DIST_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url))),
  };
}
