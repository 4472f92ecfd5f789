import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * Our copy of each Stripe subscription, always written from Stripe's current state (never from an
 * event's snapshot), so duplicated or reordered webhooks cannot move it backwards.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    customerId: text('customer_id').notNull(),
    // Stripe's own word (active, trialing, past_due, canceled, …); Stripe adds values over time.
    status: text('status').notNull(),
    priceId: text('price_id').notNull(),
    productId: text('product_id').notNull(),
    quantity: integer('quantity').notNull().default(1),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    trialEnd: timestamp('trial_end', { withTimezone: true }),
    /** The trial ends the subscription: no payment method is on file and the trial is set to cancel without one. */
    endsWithTrial: boolean('ends_with_trial').notNull().default(false),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** The price's billing interval (day, week, month, year); null on rows stored before it was kept. */
    interval: text('interval'),
    /** The subscription schedule managing the subscription (a plan change waiting for the period end). */
    scheduleId: text('schedule_id'),
    /** The price the schedule switches to, and when; both null when no change is pending. */
    pendingPriceId: text('pending_price_id'),
    pendingChangeAt: timestamp('pending_change_at', { withTimezone: true }),
    /** `created` of the newest Stripe event applied; shows how fresh this row is. */
    stripeUpdatedAt: timestamp('stripe_updated_at', { withTimezone: true }).notNull(),
    /**
     * The ledger `seq` of the event whose read of Stripe this row holds. Reads happen outside any
     * transaction, so they can finish out of order; a read made for an earlier-received event
     * never replaces one made for a later one.
     */
    sourceEventSeq: bigint('source_event_seq', { mode: 'number' }).notNull().default(0),
    /**
     * Stripe's `created`: when two subscriptions of one user are live, the later-created one is the
     * duplicate. Null on rows stored before this column existed; those count as the oldest.
     */
    stripeCreatedAt: timestamp('stripe_created_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('subscriptions_user_id_idx').on(table.userId)],
);

/**
 * The webhook ledger: one row per Stripe event id. An event is applied inside a transaction that
 * holds its row lock and sets `processed_at`, so it takes effect exactly once across processes.
 */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    /** Order of first receipt across every server process; orders the Stripe reads events trigger. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    type: text('type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** Why the last attempt failed; Stripe retries, and a later success clears it. */
    error: text('error'),
    /**
     * Set with `processed_at`: `applied`, or `ignored` when the event was acknowledged without
     * effect (a type we do not use, or a subscription Stripe no longer has), with `reason` saying why.
     * Null on events processed before this column existed.
     */
    outcome: text('outcome').$type<'applied' | 'ignored'>(),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    /**
     * What the event is about: the subscription it changes (a subscription, invoice or schedule
     * event), or the checkout session; null for events that concern nothing we store. Events with
     * one subject are drained together, so all of a subscription's pending events cost one read.
     */
    subject: text('subject'),
    /** The event's own `created` (Unix seconds). Null on events received before the drain existed. */
    eventCreated: integer('event_created'),
    /** The verified event as Stripe sent it, applied later by the drain. Null on events from before the drain. */
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    /** When the drain may try the event again: now on receipt, later after a failure (backoff). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A drain holds the event until then; a process killed mid-work leaves it to expire, and another takes over. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (table) => [
    // Housekeeping deletes old processed events in batches.
    index('stripe_events_processed_at_idx').on(table.processedAt),
    // The drain looks for due events, and for the other pending events of their subjects.
    index('stripe_events_pending_idx').on(table.nextAttemptAt).where(sql`${table.processedAt} is null`),
    index('stripe_events_pending_subject_idx').on(table.subject).where(sql`${table.processedAt} is null`),
  ],
);

export type Subscription = typeof subscriptions.$inferSelect;
export type StripeEvent = typeof stripeEvents.$inferSelect;

/**
 * Checkout requests made with an Idempotency-Key: a retried or double-clicked request gets the
 * session the first one created, and the same key with another body is refused. The Stripe call
 * is repeated with the stored `expiresAt`, so a retry after a crash sends Stripe identical
 * parameters and Stripe's own idempotency returns the same session.
 */
export const checkoutRequests = pgTable(
  'checkout_requests',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 of the validated request body. */
    requestHash: text('request_hash').notNull(),
    expiresAt: integer('expires_at').notNull(),
    sessionId: text('session_id'),
    url: text('url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.idempotencyKey] }),
    // Housekeeping deletes spent claims in batches.
    index('checkout_requests_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * Every checkout session we start, so a new checkout can expire the user's earlier ones: a person
 * must not be able to pay two hosted pages and end up with two subscriptions. A row is inserted
 * before the Stripe call (`session_id` null, status `creating`), so `seq` orders checkouts by when
 * they started, across processes; a checkout supersedes every one with a lower `seq`.
 */
export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: text('session_id').unique(),
    /**
     * The Stripe Idempotency-Key of the create, for requests made with one: concurrent repeats of
     * one request share it and get one session back, so they never supersede each other.
     */
    requestKey: text('request_key'),
    /** creating (Stripe call in flight), open, complete or expired. */
    status: text('status').$type<CheckoutSessionStatus>().notNull().default('creating'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('checkout_sessions_user_id_seq_idx').on(table.userId, table.seq),
    // Settling a checkout looks for the user's earlier open sessions: few, however long the history.
    index('checkout_sessions_open_user_id_seq_idx').on(table.userId, table.seq).where(sql`${table.status} = 'open'`),
    // Housekeeping deletes rows whose sessions can no longer be paid.
    index('checkout_sessions_created_at_idx').on(table.createdAt),
  ],
);

export type CheckoutSessionStatus = 'creating' | 'open' | 'complete' | 'expired';

/**
 * Second live subscriptions the webhook caught (a race between two hosted pages, or a session made
 * outside the app): each is canceled at Stripe and what it charged is credited back. A row with
 * `resolved_at` null still awaits that; an operator can query this table for every case.
 */
export const duplicateSubscriptions = pgTable(
  'duplicate_subscriptions',
  {
    subscriptionId: text('subscription_id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The user's older live subscription, which stays. */
    keptSubscriptionId: text('kept_subscription_id').notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
    /** Credit notes issued for the duplicate's paid invoices, and their sum in `currency`'s minor unit. */
    creditNoteIds: text('credit_note_ids').array().notNull().default([]),
    creditedAmount: integer('credited_amount').notNull().default(0),
    currency: text('currency'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (table) => [index('duplicate_subscriptions_resolved_at_idx').on(table.resolvedAt)],
);

export type DuplicateSubscription = typeof duplicateSubscriptions.$inferSelect;

/**
 * Mutations other than checkout made under an Idempotency-Key (plan changes, cancel, resume): a
 * repeat with the same body gets the first answer back, the same key with another body is refused.
 * Keys are per user and per operation; rows older than a day are deleted by housekeeping, as Stripe
 * forgets its keys after 24 hours.
 */
export const idempotentRequests = pgTable(
  'idempotent_requests',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    operation: text('operation').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 of the validated request body. */
    requestHash: text('request_hash').notNull(),
    /** The answer of the first request, once it succeeded. */
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.operation, table.idempotencyKey] }),
    index('idempotent_requests_created_at_idx').on(table.createdAt),
  ],
);

/**
 * The proration date of a user's latest upgrade preview, per subscription and price. The change
 * that follows reuses it so it charges exactly what was shown, whichever server process serves
 * it; it is kept here, not sent by the caller, who could otherwise choose how much time is credited.
 */
export const planChangePreviews = pgTable(
  'plan_change_previews',
  {
    subscriptionId: text('subscription_id').notNull(),
    priceId: text('price_id').notNull(),
    /** Stripe's `proration_date`: seconds since the epoch, on Stripe's clock. */
    prorationDate: integer('proration_date').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.subscriptionId, table.priceId] })],
);

/**
 * Free trials given, one row per email ever: a user gets a trial only while no row has their
 * email. Keyed by the normalized email (trimmed, lower case, as sign-up stores it) rather than the
 * user, and not deleted with the user, so an account deleted and signed up again with the same
 * email gets no second trial. Written when a trialing subscription is first stored, under this
 * unique key, so two processes storing two trials for one email keep one grant.
 */
export const trialGrants = pgTable('trial_grants', {
  email: text('email').primaryKey(),
  /** The user and subscription the trial went to; kept after the user is gone, for the operator. */
  userId: uuid('user_id').notNull(),
  subscriptionId: text('subscription_id').notNull(),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
});

export type TrialGrant = typeof trialGrants.$inferSelect;
