import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOriginAllowed } from '@subkit/core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.stripe).toEqual({
      mode: 'emulator',
      emulatorPort: 12_111,
      webhookSecret: undefined,
      allowProduction: false,
    });
    expect(config.allowedRedirectOrigins).toContain('http://localhost:3000');
    expect(config.stripeReadsPerSecond).toBe(10);
  });

  it('lists every bad value at once', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'mysql://x', STRIPE_SECRET_KEY: 'pk_test_123' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL must be a postgres:\/\/ connection string/);
    expect(problems.join('\n')).toMatch(/STRIPE_SECRET_KEY must be a Stripe secret key/);
  });

  it('refuses a live key pointed at a local Stripe-compatible server', () => {
    expect(
      problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_API_BASE: 'http://127.0.0.1:12111' }).join(),
    ).toMatch(/live key/);
  });

  it('requires the webhook secret with the real Stripe', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_abc123' }).join()).toMatch(/STRIPE_WEBHOOK_SECRET is required/);
  });

  it('switches to Postgres and Stripe when configured', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app',
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com, https://www.example.com',
    });
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/app');
    expect(config.stripe.mode).toBe('stripe');
    expect(config.allowedRedirectOrigins).toEqual([
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://localhost:*',
      'http://127.0.0.1:*',
      'http://[::1]:*',
      'https://app.example.com',
      'https://www.example.com',
    ]);
  });
});

describe('redirect origins', () => {
  const allows = (env: Record<string, string>, origin: string) =>
    isOriginAllowed(origin, loadConfig(env).allowedRedirectOrigins);

  it('keeps the web app’s own origin when ALLOWED_REDIRECT_ORIGINS adds others', () => {
    const env = { PUBLIC_URL: 'https://app.example.com', ALLOWED_REDIRECT_ORIGINS: 'https://partner.example.org' };
    expect(loadConfig(env).allowedRedirectOrigins).toEqual(['https://app.example.com', 'https://partner.example.org']);
    expect(allows(env, 'https://app.example.com')).toBe(true);
    expect(allows(env, 'https://partner.example.org')).toBe(true);
    expect(allows(env, 'https://evil.example.net')).toBe(false);
  });

  it('lists an origin named twice once', () => {
    const env = { PUBLIC_URL: 'https://app.example.com', ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com' };
    expect(loadConfig(env).allowedRedirectOrigins).toEqual(['https://app.example.com']);
  });

  // `pnpm dev`: Vite takes 5174 (or the next free port) when 5173 is busy, after the API started.
  it.each(['http://localhost:5173', 'http://localhost:5174', 'http://127.0.0.1:5199', 'http://[::1]:5174'])(
    'allows the unconfigured development server on any loopback port: %s',
    (origin) => {
      expect(allows({}, origin)).toBe(true);
      expect(allows({ ALLOWED_REDIRECT_ORIGINS: 'https://partner.example.org' }, origin)).toBe(true);
    },
  );

  it.each([
    'https://localhost:5174',
    'http://localhost.evil.example.net:5174',
    'http://evil.example.net',
    'http://192.168.1.7:5174',
  ])('allows no other origin in development: %s', (origin) => {
    expect(allows({}, origin)).toBe(false);
  });

  it.each([
    ['production', { NODE_ENV: 'production', STRIPE_EMULATOR_ALLOW_PRODUCTION: 'true' }],
    ['test', { NODE_ENV: 'test' }],
    ['development with PUBLIC_URL', { PUBLIC_URL: 'https://app.example.com' }],
  ])('keeps to the exact origins under %s', (_why, env: Record<string, string>) => {
    expect(allows(env, 'http://localhost:5174')).toBe(false);
  });

  it('allows the server’s own port under production without PUBLIC_URL', () => {
    const env = { NODE_ENV: 'production', STRIPE_EMULATOR_ALLOW_PRODUCTION: 'true', PORT: '8080' };
    expect(loadConfig(env).allowedRedirectOrigins).toEqual(['http://localhost:8080', 'http://127.0.0.1:8080']);
  });
});

describe('configuration problems', () => {
  // One bad value per variable that can be wrong, each with the message an operator reads.
  const BAD_VALUES: [string, string, RegExp, Record<string, string>?][] = [
    ['NODE_ENV', 'staging', /^NODE_ENV /],
    ['HOST', ' ', /^HOST /],
    ['PORT', '70000', /^PORT must be a port number \(0 to 65535\)$/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL /],
    ['LOG_PRETTY', 'maybe', /^LOG_PRETTY must be true or false$/],
    ['DATABASE_URL', 'mysql://db/app', /^DATABASE_URL must be a postgres:\/\/ connection string$/],
    [
      'STRIPE_SECRET_KEY',
      'pk_test_123',
      /^STRIPE_SECRET_KEY must be a Stripe secret key/,
      { STRIPE_WEBHOOK_SECRET: 'whsec_x' },
    ],
    [
      'STRIPE_API_BASE',
      'ftp://stripe',
      /^STRIPE_API_BASE must be an http\(s\) URL$/,
      { STRIPE_SECRET_KEY: 'sk_test_x' },
    ],
    ['STRIPE_WEBHOOK_SECRET', 'secret', /^STRIPE_WEBHOOK_SECRET must start with whsec_$/],
    ['STRIPE_EMULATOR_PORT', '-1', /^STRIPE_EMULATOR_PORT must be a port number/],
    ['STRIPE_EMULATOR_ALLOW_PRODUCTION', 'sure', /^STRIPE_EMULATOR_ALLOW_PRODUCTION must be true or false$/],
    ['PUBLIC_URL', 'https://app.example.com/path', /^PUBLIC_URL must be a list of origins/],
    ['ALLOWED_REDIRECT_ORIGINS', 'https://ok.example.com,not-an-origin', /^ALLOWED_REDIRECT_ORIGINS\.1 must be/],
    ['REDIS_URL', 'http://cache', /^REDIS_URL must be a redis:\/\/ URL$/],
    ['RATE_LIMIT_AUTH_PER_MIN', '0', /^RATE_LIMIT_AUTH_PER_MIN must be a whole number above 0$/],
    ['RATE_LIMIT_CHECKOUT_PER_MIN', 'many', /^RATE_LIMIT_CHECKOUT_PER_MIN must be a whole number above 0$/],
    ['RATE_LIMIT_STRIPE_PER_MIN', '2.5', /^RATE_LIMIT_STRIPE_PER_MIN must be a whole number above 0$/],
    ['STRIPE_READS_PER_SEC', '0', /^STRIPE_READS_PER_SEC must be a whole number above 0$/],
    [
      'TRUST_PROXY',
      'yes please',
      /^TRUST_PROXY has "yes please", which is not an IP address or CIDR; write the number/,
    ],
    ['TRUST_PROXY', '10.0.0.0/33', /^TRUST_PROXY has "10.0.0.0\/33", which is not an IP address or CIDR/],
    ['TRUST_PROXY', ' , ', /^TRUST_PROXY is empty; write the number of proxies/],
    ['PLANS', ' , ', /^PLANS must name at least one price$/],
    ['METRICS_TOKEN', 'short', /^METRICS_TOKEN must be at least 16 characters$/],
    ['RATE_LIMIT_MAIL_PER_MIN', '0', /^RATE_LIMIT_MAIL_PER_MIN must be a whole number above 0$/],
    ['SMTP_URL', 'https://mail.example.com', /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL$/],
    ['MAIL_FROM', 'Acme accounts', /^MAIL_FROM must be an address, as no-reply@example.com/],
    ['TRIAL_DAYS', '731', /^TRIAL_DAYS must be a whole number of days from 0 \(no trial\) to 730$/],
    ['TRIAL_DAYS', '-1', /^TRIAL_DAYS must be a whole number of days from 0 \(no trial\) to 730$/],
    ['TRIAL_DAYS', '1.5', /^TRIAL_DAYS must be a whole number of days from 0 \(no trial\) to 730$/],
    ['TRIAL_DAYS', 'two weeks', /^TRIAL_DAYS must be a whole number of days from 0 \(no trial\) to 730$/],
    ['TRIAL_REQUIRES_CARD', 'nope', /^TRIAL_REQUIRES_CARD must be true or false$/],
  ];

  it.each(BAD_VALUES)('names %s when it is %j', (name, value, message, others = {}) => {
    const problems = problemsOf({ ...others, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('lists every problem at once, one line each, in one readable message', () => {
    const env = Object.fromEntries(BAD_VALUES.map(([name, value]) => [name, value]));
    try {
      loadConfig(env);
      expect.unreachable('a bad configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const { problems, message } = error as ConfigError;
      const named = (name: string) =>
        problems.some((problem) => problem.startsWith(`${name} `) || problem.startsWith(`${name}.`));
      for (const [name] of BAD_VALUES) expect(named(name), name).toBe(true);
      expect(message.split('\n')).toEqual(['Invalid configuration:', ...problems.map((problem) => `  - ${problem}`)]);
    }
  });

  it('reports a refused combination alongside the bad values of other variables', () => {
    expect(
      problemsOf({ PORT: 'abc', STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_API_BASE: 'http://127.0.0.1:12111' }),
    ).toEqual([
      'PORT must be a port number (0 to 65535)',
      'STRIPE_SECRET_KEY is a live key but STRIPE_API_BASE points at an emulator (not api.stripe.com); refusing to mix them',
    ]);
    // A combination is only judged on values that parsed: a malformed base URL is reported as itself.
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_API_BASE: 'not a url' })).toEqual([
      expect.stringMatching(/^STRIPE_API_BASE /),
    ]);
  });

  it('reads an empty value as unset, as a copied .env.example has them', () => {
    expect(loadConfig({ DATABASE_URL: '', STRIPE_SECRET_KEY: '', PLANS: '' })).toEqual(loadConfig({}));
  });

  it('refuses a live key with any emulator base URL, and allows it with Stripe itself', () => {
    for (const base of ['http://127.0.0.1:12111', 'http://stripe-mock:12111', 'https://emulator.example.com']) {
      expect(
        problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_API_BASE: base, STRIPE_WEBHOOK_SECRET: 'whsec_x' }),
      ).toEqual([
        'STRIPE_SECRET_KEY is a live key but STRIPE_API_BASE points at an emulator (not api.stripe.com); refusing to mix them',
      ]);
    }
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toEqual([]);
    expect(
      problemsOf({
        STRIPE_SECRET_KEY: 'sk_test_abc123',
        STRIPE_API_BASE: 'http://127.0.0.1:12111',
        STRIPE_WEBHOOK_SECRET: 'whsec_x',
      }),
    ).toEqual([]);
  });

  it('sends mail through SMTP_URL when set, else keeps it in the outbox, shown outside production only', () => {
    expect(loadConfig({}).mail).toEqual({ transport: 'outbox', servePage: true, from: 'Subkit <no-reply@localhost>' });
    const production = { NODE_ENV: 'production', STRIPE_EMULATOR_ALLOW_PRODUCTION: 'true' };
    expect(loadConfig(production).mail).toMatchObject({ transport: 'outbox', servePage: false });
    expect(
      loadConfig({ ...production, SMTP_URL: 'smtps://user:pass@smtp.example.com', PUBLIC_URL: 'https://app.acme.com' })
        .mail,
    ).toEqual({ transport: 'smtp', url: 'smtps://user:pass@smtp.example.com', from: 'Subkit <no-reply@app.acme.com>' });
    expect(loadConfig({ MAIL_FROM: 'Acme <accounts@acme.com>' }).mail.from).toBe('Acme <accounts@acme.com>');
    expect(loadConfig({ MAIL_FROM: 'accounts@acme.com' }).mail.from).toBe('accounts@acme.com');
  });

  it('refuses the built-in emulator under NODE_ENV=production unless explicitly allowed', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(
        /^NODE_ENV is production but STRIPE_SECRET_KEY is unset.*STRIPE_EMULATOR_ALLOW_PRODUCTION=true/,
      ),
    ]);
    const allowed = loadConfig({ NODE_ENV: 'production', STRIPE_EMULATOR_ALLOW_PRODUCTION: 'true' });
    expect(allowed.stripe).toMatchObject({ mode: 'emulator', allowProduction: true });
    expect(
      loadConfig({ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).stripe
        .mode,
    ).toBe('stripe');
  });

  it('trusts X-Forwarded-For from a number of proxies or from listed addresses, and refuses a bare true', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1' }).trustProxy).toEqual({
      addresses: ['10.0.0.0/8', '192.168.1.7', '::1'],
    });
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([
      'TRUST_PROXY true is no longer accepted: it trusted any X-Forwarded-For, so clients could pick their own ' +
        'address (and rate-limit key); write the number of proxies in front of the server (TRUST_PROXY=1 behind ' +
        'one load balancer) or their addresses as a comma list of IPs/CIDRs (TRUST_PROXY=10.0.0.0/8), or false',
    ]);
  });

  it('offers no trial by default; TRIAL_DAYS and TRIAL_REQUIRES_CARD set one', () => {
    expect(loadConfig({}).trial).toEqual({ days: 0, requiresCard: true });
    expect(loadConfig({ TRIAL_DAYS: '14', TRIAL_REQUIRES_CARD: 'false' }).trial).toEqual({
      days: 14,
      requiresCard: false,
    });
    expect(loadConfig({ TRIAL_DAYS: '730' }).trial.days).toBe(730);
  });

  it('offers the configured plans (price ids or lookup keys), the emulator catalog by default', () => {
    expect(loadConfig({}).plans).toEqual(['price_starter_monthly', 'price_1ABC123XYZ', 'price_pro_yearly']);
    expect(loadConfig({ PLANS: 'starter_monthly, price_pro_yearly' }).plans).toEqual([
      'starter_monthly',
      'price_pro_yearly',
    ]);
  });
});

describe('.env.example', () => {
  const example = readFileSync(fileURLToPath(new URL('../../../.env.example', import.meta.url)), 'utf8');
  const lines = example.split('\n');

  it('lists every variable the server reads, in order, each under a comment', () => {
    const assignments = lines.flatMap((line, index) => {
      const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
      return match ? [{ name: match[1], index }] : [];
    });
    expect(assignments.map(({ name }) => name)).toEqual(ENV_VARIABLES);
    for (const { name, index } of assignments) {
      expect(lines[index - 1], `${name} has no comment above it`).toMatch(/^# \S/);
    }
  });

  it('copied as is, changes nothing: its values are the defaults', () => {
    const env = Object.fromEntries(
      lines.flatMap((line) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});

describe('start-up', () => {
  const serverDir = fileURLToPath(new URL('..', import.meta.url));
  const main = join(serverDir, 'src/main.ts');

  /** Runs `tsx src/main.ts` from `cwd` with only the given environment (and PATH). */
  function start(env: Record<string, string>, cwd = serverDir) {
    return spawnSync(join(serverDir, 'node_modules/.bin/tsx'), [main], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('stops on bad values with one readable message listing each, not a stack trace', () => {
    const result = start({ PORT: 'abc', DATABASE_URL: 'mysql://x', STRIPE_SECRET_KEY: 'pk_test_1' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration:',
      '  - PORT must be a port number (0 to 65535)',
      '  - DATABASE_URL must be a postgres:// connection string',
      expect.stringMatching(/^ {2}- STRIPE_SECRET_KEY must be a Stripe secret key/),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to run the emulator under NODE_ENV=production', () => {
    const result = start({ NODE_ENV: 'production' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NODE_ENV is production but STRIPE_SECRET_KEY is unset/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads .env from the working directory, with the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subkit-env-'));
    try {
      writeFileSync(join(dir, '.env'), '# from the file\nLOG_LEVEL=chatty\nRATE_LIMIT_AUTH_PER_MIN=0\n');
      const result = start({ RATE_LIMIT_AUTH_PER_MIN: '5' }, dir);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        'Invalid configuration:',
        expect.stringMatching(/^ {2}- LOG_LEVEL /),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
