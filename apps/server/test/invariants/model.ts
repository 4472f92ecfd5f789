import type { BillingSystem, Exchange } from './system';

/** A checkout session as the model knows it; Stripe's copy is the oracle for whether it can still be paid. */
export interface ModelSession {
  id: string;
  url: string;
  priceId: string;
}

/** The subscription a user should hold at Stripe, from what they paid for and did in the portal. */
export interface ExpectedSubscription {
  id: string;
  priceId: string;
  /** Unix seconds; past it a subscription set to cancel ends, any other renews. */
  periodEnd: number;
  cancelAtPeriodEnd: boolean;
}

export interface ModelUser {
  label: string;
  email: string;
  userId: string;
  token: string;
  /** Whether a Stripe customer exists: 'maybe' after a checkout that failed at an injected fault. */
  customer: 'no' | 'maybe' | 'yes';
  sessions: ModelSession[];
  expected: ExpectedSubscription | null;
  /** Stripe lost this user's customer (see the `forget` command): our link to it may be stale until the next checkout. */
  customerForgotten: boolean;
  /**
   * Calls to Stripe-spending procedures (checkout, portal) made on each server in this sequence: an
   * upper bound of what that server's in-memory budget counted, so a 429 below the budget is a bug.
   */
  stripeCalls: [number, number];
  /** Stripe ended this user's subscription since the last settle: our database may still show it live. */
  endedUnsettled: boolean;
}

export interface Model {
  users: ModelUser[];
  /** Stripe changed since the last settle, so our database may lag behind it. */
  unsettled: boolean;
  /** Someone paid in this sequence. */
  paid: boolean;
}

/** What commands act on: the real system, plus a trace of this run for the failure report. */
export interface Real {
  system: BillingSystem;
  trace: string[];
  record(exchange: Exchange): void;
}

export function newModel(): Model {
  return { users: [], unsettled: false, paid: false };
}

export function newReal(system: BillingSystem): Real {
  const trace: string[] = [];
  return {
    system,
    trace,
    record: ({ instance, method, path, status, text }) =>
      trace.push(`    ${instance} ${method} ${path} → ${status}${status >= 400 ? ` ${text.slice(0, 160)}` : ''}`),
  };
}

/** Counts `calls` Stripe-spending calls by `user` on server `instance`; returns how many came before. */
export function spendBudget(user: ModelUser, instance: number, calls = 1): number {
  const before = user.stripeCalls[instance % 2] ?? 0;
  user.stripeCalls[instance % 2] = before + calls;
  return before;
}

/** Picks the `index`-th user, wrapping, so generated indexes stay valid whatever the model holds. */
export function pickUser(model: Readonly<Model>, index: number): ModelUser {
  const user = model.users[index % model.users.length];
  if (!user) throw new Error('no user to pick: check() should have prevented this command');
  return user;
}
