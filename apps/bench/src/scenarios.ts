import { STRIPE_API_VERSION } from '@subkit/stripe-api-version';
import { type BenchUsers, CHECKOUT_BODY, seedNewUsers, seedReturningUsers } from './fixtures';
import type { BenchSettings } from './settings';
import type { BenchStack } from './stack';

export type RequestParts = () => { headers?: Record<string, string>; body?: string };

export interface Scenario {
  name: string;
  target: 'server' | 'baseline';
  path: string;
  /** Checkouts per HTTP request (2 for a tRPC batch of two). */
  perRequest: number;
  kind: 'checkout' | 'webhook';
  /** Builds the requests of a run that uses up fixtures: `budget` is how many it may send. */
  prepare?: (budget: number) => Promise<RequestParts>;
  headers?: () => RequestParts;
  body?: string;
}

/** Each seeded user once (the last one again if the run outlasts its budget). */
const eachOnce = (seed: (budget: number) => Promise<string[]>) => async (budget: number) => {
  const tokens = await seed(budget);
  let i = 0;
  return () => ({ headers: { authorization: `Bearer ${tokens[i++] ?? tokens[tokens.length - 1]}` } });
};

/** Round-robin over signed-in users. */
const rotate = (tokens: string[]) => {
  let i = 0;
  return () => ({ headers: { authorization: `Bearer ${tokens[i++ % tokens.length]}` } });
};

/** Every scenario of a run, in the order they run; `--only` keeps those it names, and the baseline. */
export function benchScenarios(stack: BenchStack, users: BenchUsers, settings: BenchSettings): Scenario[] {
  const { returningTokens, subscriptionIds } = users;

  let eventCounter = 0;
  const signedEvent = (type: string, object: Record<string, unknown>) => () => {
    eventCounter++;
    const payload = JSON.stringify({
      id: `evt_bench_${process.pid}_${eventCounter}`,
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object },
    });
    const signature = stack.stripe.webhooks.generateTestHeaderString({ payload, secret: stack.webhookSecret });
    return { headers: { 'stripe-signature': signature }, body: payload };
  };
  let subIndex = 0;
  const subscriptionEvent = () => {
    const id = subscriptionIds[subIndex++ % subscriptionIds.length];
    return signedEvent('customer.subscription.updated', { id, object: 'subscription' })();
  };

  const trpcBatchBody = JSON.stringify({ 0: JSON.parse(CHECKOUT_BODY), 1: JSON.parse(CHECKOUT_BODY) });
  const scenarios: Scenario[] = [
    {
      name: 'baseline (bare Stripe call)',
      target: 'baseline',
      path: '/checkout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
    },
    // The floor for any checkout that reads a database (Postgres only: PGlite lives in the server).
    ...(settings.databaseUrl
      ? [
          {
            name: 'floor (Stripe call after one session query)',
            target: 'baseline',
            path: '/checkout-reading-session',
            perRequest: 1,
            kind: 'checkout',
            body: CHECKOUT_BODY,
            headers: () => rotate(returningTokens),
          } satisfies Scenario,
        ]
      : []),
    {
      name: 'REST checkout, returning customer',
      target: 'server',
      path: '/api/billing/checkout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
      prepare: eachOnce((budget) => seedReturningUsers(stack, budget)),
    },
    {
      name: 'REST checkout, new customer',
      target: 'server',
      path: '/api/billing/checkout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
      prepare: eachOnce((budget) => seedNewUsers(stack, budget)),
    },
    {
      name: 'tRPC createCheckout (HTTP), returning',
      target: 'server',
      path: '/trpc/billing.createCheckout',
      perRequest: 1,
      kind: 'checkout',
      body: CHECKOUT_BODY,
      prepare: eachOnce((budget) => seedReturningUsers(stack, budget)),
    },
    // Two checkouts of one user in one batch: the newer supersedes the older (409, and the older
    // session expired at Stripe), so this measures the batch and the supersede path together.
    {
      name: 'tRPC batch of 2 createCheckout, returning',
      target: 'server',
      path: '/trpc/billing.createCheckout,billing.createCheckout?batch=1',
      perRequest: 2,
      kind: 'checkout',
      body: trpcBatchBody,
      prepare: eachOnce((budget) => seedReturningUsers(stack, budget)),
    },
    {
      name: 'webhook, unhandled type (customer.created)',
      target: 'server',
      path: '/api/billing/webhook',
      perRequest: 1,
      kind: 'webhook',
      headers: () => signedEvent('customer.created', { id: 'cus_bench', object: 'customer' }),
    },
    {
      name: 'webhook, customer.subscription.updated',
      target: 'server',
      path: '/api/billing/webhook',
      perRequest: 1,
      kind: 'webhook',
      headers: () => subscriptionEvent,
    },
  ];

  const { only } = settings;
  if (!only) return scenarios;
  return scenarios.filter((s) => s.target === 'baseline' || only.some((part) => s.name.toLowerCase().includes(part)));
}
