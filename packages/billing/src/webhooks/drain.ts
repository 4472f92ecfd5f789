import { type Database, stripeEvents, subscriptions } from '@subkit/db';
import { and, count, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { resolveDuplicateSubscriptions } from '../subscriptions/duplicate-subscriptions';
import { storeSubscription, syncSubscription } from '../subscriptions/sync-subscription';
import type { AfterCommit } from './handler';
import {
  applyToLedger,
  type Effect,
  type EventOutcome,
  effectOf,
  effectOfHandling,
  recordFailure,
  type WebhookDeps,
} from './process-event';
import { subscriptionOf, terminalSubscriptionIn } from './subjects';

/**
 * Why the ledger itself is the queue, rather than pg-boss or graphile-worker: the ledger row must
 * exist anyway (it is the exactly-once record), and it already holds what a job would (the event,
 * its attempts and last error). A job library would add a second copy of every event, a second
 * "done" to keep consistent with the ledger's, and its own schema and polling loop beside ours;
 * graphile-worker needs LISTEN/NOTIFY on a dedicated connection, which PGlite in one process does not
 * offer the same way, and neither library can take "every pending event of one subscription" as one
 * job, which is what makes a renewal cost one read. The drain below is a claim statement and a loop.
 */

/** Waits until one more Stripe read fits the budget that every process shares (STRIPE_READS_PER_SEC). */
export interface StripeReadBudget {
  /** Resolves once the read may go ahead; the drain ignores what with. */
  take(): Promise<unknown>;
}

export interface DrainDeps extends WebhookDeps {
  readBudget: StripeReadBudget;
  /** Told each event's outcome once it is applied, ignored, or found done by someone else. */
  onOutcome?: (type: string, outcome: EventOutcome | 'failed') => void;
}

export interface DrainOptions {
  /**
   * How long a claim holds its events. A process killed mid-work leaves them claimed for at most
   * this long; then another process (or this one, restarted) takes them over. Longer than a claim's
   * work can take: one read per subject, waiting its turn in the read budget.
   */
  leaseSeconds: number;
  /** Subjects (subscriptions, checkout sessions, lone events) taken per claim and worked on together. */
  subjectsPerClaim: number;
  /** With nothing to do, how often to look again: for events received by another process, retries that fall due, expired claims. */
  idlePollMs: number;
}

export const DEFAULT_DRAIN_OPTIONS: DrainOptions = { leaseSeconds: 60, subjectsPerClaim: 50, idlePollMs: 1_000 };

interface ClaimedEvent {
  id: string;
  seq: number;
  subject: string | null;
  /** Attempts before this one: above 0, the event failed before (or its follow-up did). */
  attempts: number;
  event: Stripe.Event;
}

/**
 * Claims the pending events of up to `subjectsPerClaim` subjects, oldest first: every pending
 * event of a claimed subject, including ones waiting out a retry delay (the read made now covers
 * them too). A subject of which any event is still claimed elsewhere is left alone, so one process
 * at a time works on a subscription. Claims are made one at a time across processes (a
 * transaction-scoped advisory lock, held for this one statement, never across a Stripe call):
 * `FOR UPDATE SKIP LOCKED` alone would skip rows, not subjects, and could split a subscription's
 * events between two processes, costing two reads.
 */
export async function claimEvents(db: Database, options: DrainOptions): Promise<ClaimedEvent[]> {
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('stripe_events:claim'))`);
    return rowsOf<{ id: string; seq: unknown; subject: string | null; attempts: number; payload: unknown }>(
      await tx.execute(sql`
        with due as (
          select coalesce(e.subject, e.id) as key, min(e.seq) as first_seq
          from stripe_events e
          where e.processed_at is null and e.payload is not null and e.next_attempt_at <= now()
            and (e.claimed_until is null or e.claimed_until <= now())
            and (e.subject is null or not exists (
              select 1 from stripe_events held
              where held.subject = e.subject and held.processed_at is null and held.claimed_until > now()))
          group by 1
          order by 2
          limit ${options.subjectsPerClaim}
        )
        update stripe_events
        set claimed_until = now() + ${options.leaseSeconds} * interval '1 second'
        where processed_at is null and payload is not null
          and (subject in (select key from due) or (subject is null and id in (select key from due)))
        returning id, seq, subject, attempts, payload`),
    );
  });
  return rows.map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    subject: row.subject,
    attempts: Number(row.attempts),
    event: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Stripe.Event,
  }));
}

/** node-postgres and PGlite shape a raw query's result differently. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * One claim's worth of work: claims, applies each subject's events (subjects side by side, as each
 * mostly waits on Stripe), and returns how many events it claimed (0: nothing to do right now).
 */
export async function drainOnce(deps: DrainDeps, options: DrainOptions = DEFAULT_DRAIN_OPTIONS): Promise<number> {
  const claimed = await claimEvents(deps.db, options);
  const bySubject = new Map<string, ClaimedEvent[]>();
  for (const event of claimed) {
    const key = event.subject ?? event.id;
    bySubject.set(key, [...(bySubject.get(key) ?? []), event]);
  }
  await Promise.all([...bySubject.values()].map((events) => applySubject(deps, events)));
  return claimed.length;
}

async function applySubject(deps: DrainDeps, events: ClaimedEvent[]): Promise<void> {
  const [first] = events;
  if (!first) return;
  const subscriptionId = first.subject !== null && subscriptionOf(first.event) === first.subject ? first.subject : null;
  if (subscriptionId) {
    await applyAndFollowUp(deps, events, () => subscriptionEffect(deps, subscriptionId, events));
    return;
  }
  // A checkout session's events, or a lone event: each on its own, in the order received. Of
  // these, only a completed checkout reads Stripe (its subscription), so only it takes a turn in the budget.
  for (const event of events.toSorted((a, b) => a.seq - b.seq)) {
    await applyAndFollowUp(deps, [event], async () => {
      if (event.event.type === 'checkout.session.completed') await deps.readBudget.take();
      return effectOf(deps, event.event);
    });
  }
}

/**
 * What all the pending events of one subscription mean together. A payload that shows the
 * subscription in a terminal status is the final word and is stored as it is: no read. Otherwise
 * ONE read, which covers every one of these events: they were all received before the claim, and
 * the read starts after it, so it reflects a state at least as new as each of them (events
 * received during the read stay pending for a read of their own). The write is ordered by the
 * newest of them (`seq`), as a read made for that event would be.
 */
async function subscriptionEffect(deps: DrainDeps, subscriptionId: string, events: ClaimedEvent[]): Promise<Effect> {
  const eventCreated = Math.max(...events.map(({ event }) => event.created));
  const terminal = events.map(({ event }) => terminalSubscriptionIn(event)).find((subscription) => subscription);
  if (terminal) {
    return { outcome: 'applied', apply: (tx, entry) => storeSubscription(tx, terminal, entry, eventCreated) };
  }
  if (
    events.every(({ event }) => event.type === 'invoice.paid') &&
    (await storedStatus(deps.db, subscriptionId)) === 'active'
  ) {
    return { outcome: 'ignored', reason: PAID_WHILE_ACTIVE };
  }
  await deps.readBudget.take();
  return effectOfHandling(() => syncSubscription(deps, subscriptionId, eventCreated));
}

/**
 * A paid invoice matters to a subscription only through the status its payment moves it to, which
 * is `active`. Stored as active already, the subscription has nothing to learn from it: any other
 * change (the renewal's new period, a cancellation) comes with its own `customer.subscription.*`
 * event, which Stripe sends for every change of a subscription's status or period. So on the day a
 * base renews, its `invoice.paid` events cost no read; one still costs a read when it can end a
 * past_due, incomplete or trialing state, or when the subscription is not stored yet.
 */
const PAID_WHILE_ACTIVE = 'the subscription is stored as active: a paid invoice changes nothing';

async function storedStatus(db: Database, subscriptionId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ status: subscriptions.status })
    .from(subscriptions)
    .where(eq(subscriptions.id, subscriptionId));
  return row?.status;
}

/**
 * Applies, then runs what was left for after the commit: cancelling a second live subscription.
 * Should that fail, the events go back to pending with a retry delay. Applying them again writes
 * nothing new (the row only moves for a newer `seq`, the duplicate is already flagged) and, being a
 * retry, retries every cancellation still pending, whether or not the write asks for it again (the
 * subscription may be canceled by now, its credit still owed): as Stripe's redelivery of the event
 * did when the endpoint applied events itself.
 */
async function applyAndFollowUp(deps: DrainDeps, events: ClaimedEvent[], effect: () => Promise<Effect>) {
  const ids = events.map((event) => event.id);
  const entry = { seq: Math.max(...events.map((event) => event.seq)) };
  let outcome: EventOutcome;
  let afterCommit: AfterCommit | undefined;
  try {
    ({ outcome, afterCommit } = await applyToLedger(deps.db, ids, entry, effect));
  } catch (error) {
    deps.log.error({ err: error, eventIds: ids }, 'applying Stripe events failed; the drain retries them later');
    for (const { event } of events) deps.onOutcome?.(event.type, 'failed');
    return;
  }
  for (const { event } of events) deps.onOutcome?.(event.type, outcome);
  const isRetry = events.some((event) => event.attempts > 0);
  if (!afterCommit && !isRetry) return;
  try {
    await resolveDuplicateSubscriptions(deps, isRetry ? undefined : afterCommit?.resolveDuplicatesOf);
  } catch (error) {
    await recordFailure(deps.db, ids, error, { reopen: true });
    return;
  }
  if (afterCommit) {
    await deps.db.update(stripeEvents).set({ claimedUntil: null }).where(inArray(stripeEvents.id, ids));
  }
}

/**
 * The drain's backlog, across every process: events recorded and not yet applied, retries waiting
 * out their delay included (the partial index on pending events serves it).
 */
export async function pendingEventCount(db: Database): Promise<number> {
  const [row] = await db
    .select({ pending: count() })
    .from(stripeEvents)
    .where(and(isNull(stripeEvents.processedAt), isNotNull(stripeEvents.payload)));
  return row?.pending ?? 0;
}

export interface WebhookDrain {
  /** Something was just recorded: look now rather than at the next poll. */
  wake(): void;
  /** Finishes the claim in hand (its events would otherwise wait out their lease) and stops. */
  stop(): Promise<void>;
}

/**
 * The drain trigger every server process runs: drain while there is work, then sleep until woken
 * (an event recorded here) or `idlePollMs` passes (an event recorded by another process, a retry
 * fallen due, a claim left by a process that died).
 */
export function startWebhookDrain(deps: DrainDeps, options: DrainOptions = DEFAULT_DRAIN_OPTIONS): WebhookDrain {
  let stopped = false;
  let woken = false;
  let interruptSleep: (() => void) | undefined;
  const running = (async () => {
    while (!stopped) {
      woken = false;
      let claimed = 0;
      try {
        claimed = await drainOnce(deps, options);
      } catch (error) {
        deps.log.error({ err: error }, 'the webhook drain could not claim events; it tries again shortly');
      }
      if (claimed > 0 || woken || stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.idlePollMs);
        interruptSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      interruptSleep = undefined;
    }
  })();
  return {
    wake() {
      woken = true;
      interruptSleep?.();
    },
    async stop() {
      stopped = true;
      interruptSleep?.();
      await running;
    },
  };
}
