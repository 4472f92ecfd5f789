import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

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
    expect(config.stripe).toEqual({ mode: 'emulator', emulatorPort: 12_111, webhookSecret: undefined });
    expect(config.allowedRedirectOrigins).toContain('http://localhost:3000');
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
    expect(config.allowedRedirectOrigins).toEqual(['https://app.example.com', 'https://www.example.com']);
  });
});
