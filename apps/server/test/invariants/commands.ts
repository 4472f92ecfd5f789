import fc from 'fast-check';
import type Stripe from 'stripe';
import { SEED_ORIGIN, uniqueEmail } from '../harness';
import { OFFERED_BYTES, streamBody } from '../streamed-body';
import { countCheck, figures } from './figures';
import { checkCreatedSession, checkSettled, InvariantViolation } from './invariants';
import { type Model, type ModelUser, pickUser, type Real, spendBudget } from './model';
import { assertAnswerShape, PLANS, STRIPE_BUDGET } from './system';

type Command = fc.AsyncCommand<Model, Real>;
type Via = 'rest' | 'trpc';

const DAY = 24 * 60 * 60;
const PASSWORD = 'correct horse battery';
/** Offered, active-but-not-offered, inactive, one-time and unknown prices. */
/** Prices Stripe would refuse for a subscription, or does not know. */
const INVALID_PRICES = ['price_legacy_inactive', 'price_one_time_setup', 'price_nope'];
/** Active and recurring at Stripe, but not in PLANS. */
const NOT_ON_OFFER = 'price_pro_yearly';
/** The same destinations spelled as callers spell them; Stripe must get each in one normal form. */
const URL_SPELLINGS = [
  (path: string) => `${SEED_ORIGIN}${path}`,
  (path: string) => `${SEED_ORIGIN.toUpperCase()}${path}`,
  (path: string) => `${SEED_ORIGIN}:443${path}`,
  (path: string) => `${SEED_ORIGIN}/x/..${path}`,
  (path: string) => `${SEED_ORIGIN}/my account${path}`,
];
/** What our servers call (checkout, portal, catalog, webhook sync); `*` would fault the test's own reads. */
const FAULT_ENDPOINTS = [
  'POST /v1/checkout/sessions',
  'POST /v1/customers',
  'POST /v1/billing_portal/sessions',
  'GET /v1/prices/:id',
  'GET /v1/subscriptions/:id',
];
const FAULT_KINDS = ['500', '503', '429', 'reset', '409'] as const;

function expectStatus(real: Real, what: string, status: number, allowed: number[]): void {
  countCheck();
  const faulted = real.system.faultsArmed ? [500, 502, 503] : [];
  if (![...allowed, ...faulted].includes(status))
    throw new InvariantViolation(`${what} answered ${status}; the model allows ${allowed.join(' or ')}`);
}

function procedurePath(via: Via, rest: string, procedure: string): string {
  return via === 'rest' ? rest : `/trpc/${procedure}`;
}

/** REST wraps data in the envelope; tRPC in `result`. */
function dataOf<T>(via: Via, body: unknown): T {
  return via === 'rest' ? (body as { data: T }).data : (body as { result: { data: T } }).result.data;
}

class SignUp implements Command {
  constructor(
    readonly instance: number,
    readonly via: Via,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const email = uniqueEmail('model');
    const body = { email, password: PASSWORD };
    const response = await real.system.call(
      this.instance,
      'POST',
      procedurePath(this.via, '/api/auth/signup', 'auth.signUp'),
      { body },
      real.record,
    );
    expectStatus(real, 'signup', response.status, [this.via === 'rest' ? 201 : 200]);
    if (response.status >= 300) return;
    const session = dataOf<{ token: string; user: { id: string } }>(this.via, response.body);
    model.users.push({
      label: `u${model.users.length}`,
      email,
      userId: session.user.id,
      token: session.token,
      customer: 'no',
      sessions: [],
      expected: null,
      customerForgotten: false,
      stripeCalls: [0, 0],
      endedUnsettled: false,
    });
  }
  toString = () => `signup(${this.instance}, ${this.via})`;
}

class Checkout implements Command {
  constructor(
    readonly user: number,
    readonly instance: number,
    readonly via: Via,
    readonly priceId: string,
    readonly metadataKeys: number,
    readonly spelling: number,
  ) {}
  check = (model: Readonly<Model>) => model.users.length > 0;
  async run(model: Model, real: Real) {
    const user = pickUser(model, this.user);
    const spell = URL_SPELLINGS[this.spelling % URL_SPELLINGS.length] as (path: string) => string;
    const successUrl = spell('/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}');
    const cancelUrl = spell('/pricing?checkout=cancelled');
    const metadata = Object.fromEntries(Array.from({ length: this.metadataKeys }, (_, i) => [`key${i}`, `v${i}`]));
    const response = await real.system.call(
      this.instance,
      'POST',
      procedurePath(this.via, '/api/billing/checkout', 'billing.createCheckout'),
      { token: user.token, body: { priceId: this.priceId, successUrl, cancelUrl, metadata } },
      real.record,
    );
    const spentBefore = spendBudget(user, this.instance);
    const live = user.expected !== null || user.endedUnsettled;
    // Stripe refuses an `expires_at` under 30 minutes after *its* clock; a day ahead of ours (after
    // the clock command), the checkout honestly fails, but never with a 500.
    const stripeTooFarAhead = real.system.stripeAheadSeconds() > 23 * 60 * 60;
    // Input is checked before anything else: the README allows 49 metadata keys (userId is the 50th).
    const tooManyKeys = this.metadataKeys > 49;
    const allowed =
      !PLANS.includes(this.priceId) || tooManyKeys
        ? [400]
        : live && !model.unsettled
          ? [409]
          : live
            ? [200, 409]
            : [200];
    if (stripeTooFarAhead && allowed.includes(200)) allowed.push(400, 502, 503);
    if (spentBefore >= STRIPE_BUDGET) allowed.push(429);
    expectStatus(real, `checkout of ${this.priceId} for ${user.label}`, response.status, allowed);
    if (tooManyKeys && response.status === 400) {
      countCheck();
      const { message } = (response.body as { error: { message: string } }).error;
      // Refused by our check, which names the field, not by Stripe after a call was spent.
      if (!message.includes('metadata'))
        throw new InvariantViolation(`${this.metadataKeys} metadata keys were refused with ${JSON.stringify(message)}`);
    }
    // A checkout that failed at Stripe (a fault, or a session refused for Stripe's clock) may have
    // made the customer before the session create failed.
    const failedAtStripe = response.status >= 500 || (stripeTooFarAhead && !tooManyKeys && response.status === 400);
    if (failedAtStripe && PLANS.includes(this.priceId) && user.customer === 'no') user.customer = 'maybe';
    if (response.status !== 200) return;
    user.customer = 'yes';
    user.customerForgotten = false;
    const { sessionId, url } = dataOf<{ sessionId: string; url: string }>(this.via, response.body);
    const session = await real.system.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
    const soldPrice = session.line_items?.data[0]?.price?.id ?? '?';
    checkCreatedSession(session, soldPrice, [successUrl, cancelUrl]);
    const expectedMetadata = { ...metadata, userId: user.userId };
    if (JSON.stringify(sorted(session.metadata ?? {})) !== JSON.stringify(sorted(expectedMetadata)))
      throw new InvariantViolation(`checkout ${sessionId} carries metadata ${JSON.stringify(session.metadata)}`);
    user.sessions.push({ id: sessionId, url, priceId: soldPrice });
  }
  toString = () =>
    `checkout(u${this.user}, ${this.instance}, ${this.via}, ${this.priceId}, ${this.metadataKeys} keys, spelling ${this.spelling})`;
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

/** A call one existing user makes through one server instance and one transport. */
abstract class UserCall implements Command {
  constructor(
    readonly user: number,
    readonly instance: number,
    readonly via: Via,
  ) {}
  check = (model: Readonly<Model>) => model.users.length > 0;
  abstract run(model: Model, real: Real): Promise<void>;
}

/** A caller that sends JSON labelled text/plain: the caller's mistake, so a 415 in its shape. */
class MislabelledCheckout extends UserCall {
  async run(model: Model, real: Real) {
    const user = pickUser(model, this.user);
    const body = JSON.stringify({
      priceId: PLANS[0],
      successUrl: `${SEED_ORIGIN}/dashboard`,
      cancelUrl: `${SEED_ORIGIN}/pricing`,
    });
    const response = await real.system.call(
      this.instance,
      'POST',
      procedurePath(this.via, '/api/billing/checkout', 'billing.createCheckout'),
      { token: user.token, rawBody: body, headers: { 'content-type': 'text/plain' } },
      real.record,
    );
    // The README's contract: any content type but JSON is a 415, whatever the body looks like.
    expectStatus(real, `text/plain checkout over ${this.via}`, response.status, [415]);
  }
  override toString = () => `mislabelled(u${this.user}, ${this.instance}, ${this.via})`;
}

/** Passwords on every breached-password list, as NIST 800-63B asks sign-up to refuse (case and outer spaces aside). */
const COMMON_PASSWORDS = ['12345678', 'Password', ' password ', 'QWERTYUIOP', '        '];

/** Someone signs up with a common password: a 400, and no account. */
class WeakSignUp implements Command {
  constructor(
    readonly instance: number,
    readonly via: Via,
    readonly password: string,
  ) {}
  check = () => true;
  async run(_model: Model, real: Real) {
    const response = await real.system.call(
      this.instance,
      'POST',
      procedurePath(this.via, '/api/auth/signup', 'auth.signUp'),
      { body: { email: uniqueEmail('weak'), password: this.password } },
      real.record,
    );
    expectStatus(real, `signup with password ${JSON.stringify(this.password)}`, response.status, [400]);
  }
  toString = () => `weakSignup(${this.instance}, ${this.via}, ${JSON.stringify(this.password)})`;
}

/** Where an attacker may stream a body, and what each content type must be refused with. */
const BODY_ROUTES = [
  '/trpc/billing.createCheckout',
  '/api/billing/checkout',
  '/trpc/auth.signUp',
  '/api/auth/signup',
  '/api/billing/webhook',
];
const BODY_STARTS: Record<string, { start: string; status: number }> = {
  'multipart/form-data; boundary=x': {
    start: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n',
    status: 415,
  },
  'text/plain': { start: '', status: 415 },
  'application/octet-stream': { start: '', status: 415 },
  'application/json': { start: '{"email":"', status: 413 },
};

/**
 * An attacker streams megabytes at a route: a non-JSON body is refused with 415 and JSON over the
 * limit with 413, in the route's error shape, before the attacker could send it all.
 */
class BigBody implements Command {
  constructor(
    readonly instance: number,
    readonly route: string,
    readonly contentType: string,
  ) {}
  check = () => true;
  async run(_model: Model, real: Real) {
    const { start, status } = BODY_STARTS[this.contentType] as { start: string; status: number };
    const url = new URL(this.route, real.system.urlOf(this.instance)).href;
    const answer = await streamBody(url, this.contentType, Buffer.from(start));
    real.trace.push(`    ${this.route} ← ${answer.bytesWritten} bytes of ${this.contentType} → ${answer.status}`);
    figures.largestRefusedBodyBytes = Math.max(figures.largestRefusedBodyBytes, answer.bytesWritten);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      body = undefined;
    }
    assertAnswerShape(this.route, { status: answer.status, headers: new Headers(), body, text: answer.text }, false);
    expectStatus(real, `${this.contentType} body to ${this.route}`, answer.status, [status]);
    countCheck();
    if (answer.bytesWritten >= OFFERED_BYTES)
      throw new InvariantViolation(
        `${this.route} answered ${answer.status} only after all ${OFFERED_BYTES} bytes of ${this.contentType} were sent`,
      );
  }
  toString = () => `bigBody(${this.instance}, ${this.route}, ${this.contentType})`;
}

/**
 * A user fires one tRPC batch of billing-portal sessions, twice the per-user Stripe budget and one:
 * some must be refused with 429 (even if the budget's minute turns mid-batch), and none while the
 * user is under the budget.
 */
class PortalBurst implements Command {
  constructor(
    readonly user: number,
    readonly instance: number,
  ) {}
  check = (model: Readonly<Model>) => model.users.length > 0;
  async run(model: Model, real: Real) {
    const user = pickUser(model, this.user);
    const calls = 2 * STRIPE_BUDGET + 1;
    const path = `/trpc/${Array.from({ length: calls }, () => 'billing.createPortalSession').join(',')}?batch=1`;
    const input = { returnUrl: `${SEED_ORIGIN}/dashboard` };
    const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [String(i), input]));
    const response = await real.system.call(this.instance, 'POST', path, { token: user.token, body }, real.record);
    const spentBefore = spendBudget(user, this.instance, calls);
    const statuses = (response.body as { error?: { data?: { httpStatus?: number } } }[]).map(
      (call) => call.error?.data?.httpStatus ?? 200,
    );
    real.trace.push(`    batch of ${calls} portal sessions → ${statuses.join(' ')}`);
    const allowed = [...{ no: [400], maybe: [200, 400], yes: [200] }[user.customer], 429];
    for (const status of statuses) expectStatus(real, `portal session in a batch for ${user.label}`, status, allowed);
    const refused = statuses.filter((status) => status === 429).length;
    countCheck();
    if (refused === 0)
      throw new InvariantViolation(
        `a batch of ${calls} portal sessions for ${user.label} got no 429 (Stripe budget ${STRIPE_BUDGET} a minute)`,
      );
    countCheck();
    const underBudget = Math.max(0, STRIPE_BUDGET - spentBefore);
    if (calls - refused < underBudget)
      throw new InvariantViolation(
        `${user.label} had ${underBudget} of the Stripe budget left, yet only ${calls - refused} of a batch were served`,
      );
  }
  toString = () => `portalBurst(u${this.user}, ${this.instance})`;
}

const hasOpenedSessions = (model: Readonly<Model>) => model.users.some((user) => user.sessions.length > 0);

/** A checkout session some user opened, picked by the generator's indexes (taken modulo). */
function pickSession(model: Model, userIndex: number, sessionIndex: number) {
  const withSessions = model.users.filter((user) => user.sessions.length > 0);
  const user = withSessions[userIndex % withSessions.length] as ModelUser;
  return { user, target: user.sessions[sessionIndex % user.sessions.length] };
}

/** The customer pays on Stripe's hosted page. */
class Pay implements Command {
  constructor(
    readonly user: number,
    readonly session: number,
  ) {}
  check = hasOpenedSessions;
  async run(model: Model, real: Real) {
    const { user, target } = pickSession(model, this.user, this.session);
    if (!target) return;
    const { stripe } = real.system;
    const before = await stripe.checkout.sessions.retrieve(target.id);
    const page = await fetch(target.url, { method: 'POST', redirect: 'manual' });
    real.trace.push(`    hosted page POST ${target.id} (${before.status}) → ${page.status}`);
    const allowed = before.status === 'open' ? [303] : before.status === 'complete' ? [400] : [410];
    if (!allowed.includes(page.status))
      throw new InvariantViolation(`paying ${before.status} session ${target.id} answered ${page.status}`);
    if (page.status !== 303) return;
    model.unsettled = true;
    model.paid = true;
    const after = await stripe.checkout.sessions.retrieve(target.id, { expand: ['subscription'] });
    const subscription = after.subscription as Stripe.Subscription | null;
    if (!subscription) throw new InvariantViolation(`paid session ${target.id} has no subscription`);
    user.expected ??= {
      id: subscription.id,
      priceId: target.priceId,
      periodEnd: subscription.items.data[0]?.current_period_end ?? 0,
      cancelAtPeriodEnd: false,
    };
  }
  toString = () => `pay(u${this.user}, session ${this.session})`;
}

/** Stripe expires a session the customer abandoned. */
class Abandon implements Command {
  constructor(
    readonly user: number,
    readonly session: number,
  ) {}
  check = hasOpenedSessions;
  async run(model: Model, real: Real) {
    const { target } = pickSession(model, this.user, this.session);
    if (!target) return;
    const session = await real.system.stripe.checkout.sessions.retrieve(target.id);
    if (session.status !== 'open') return;
    await real.system.stripe.checkout.sessions.expire(target.id);
    real.trace.push(`    expired ${target.id}`);
    model.unsettled = true;
  }
  toString = () => `abandon(u${this.user}, session ${this.session})`;
}

/** The user opens the portal through our API and cancels on Stripe's portal page. */
class PortalCancel extends UserCall {
  async run(model: Model, real: Real) {
    const user = pickUser(model, this.user);
    const response = await real.system.call(
      this.instance,
      'POST',
      procedurePath(this.via, '/api/billing/portal', 'billing.createPortalSession'),
      { token: user.token, body: { returnUrl: `${SEED_ORIGIN}/dashboard` } },
      real.record,
    );
    const allowed = [...{ no: [400], maybe: [200, 400], yes: [200] }[user.customer]];
    if (spendBudget(user, this.instance) >= STRIPE_BUDGET) allowed.push(429);
    expectStatus(real, `portal for ${user.label}`, response.status, allowed);
    if (response.status !== 200) return;
    const { url } = dataOf<{ url: string }>(this.via, response.body);
    const page = await (await fetch(url)).text();
    const subscriptionId = /name="subscription" value="(sub_[^"]+)"/.exec(page)?.[1];
    if (!subscriptionId) return;
    const cancelled = await fetch(`${url}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subscriptionId }),
    });
    real.trace.push(`    portal cancel ${subscriptionId} → ${cancelled.status}`);
    if (cancelled.status !== 303) throw new InvariantViolation(`portal cancel answered ${cancelled.status}`);
    model.unsettled = true;
    if (user.expected?.id === subscriptionId) user.expected.cancelAtPeriodEnd = true;
  }
  override toString = () => `portalCancel(u${this.user}, ${this.instance}, ${this.via})`;
}

/** The user changes their mind in the portal: the subscription renews after all. */
class PortalResume implements Command {
  constructor(readonly user: number) {}
  check = (model: Readonly<Model>) => model.users.some((user) => user.expected?.cancelAtPeriodEnd);
  async run(model: Model, real: Real) {
    const candidates = model.users.filter((user) => user.expected?.cancelAtPeriodEnd);
    const user = candidates[this.user % candidates.length] as ModelUser;
    const expected = user.expected;
    if (!expected) return;
    const subscription = await real.system.subscriptionAtStripe(expected.id);
    if (subscription.status === 'canceled') return;
    // The portal takes back whichever field its cancellation set (flexible billing: only `cancel_at`).
    await real.system.stripe.subscriptions.update(
      expected.id,
      subscription.cancel_at_period_end ? { cancel_at_period_end: false } : { cancel_at: '' },
    );
    real.trace.push(`    resumed ${expected.id}`);
    expected.cancelAtPeriodEnd = false;
    model.unsettled = true;
  }
  toString = () => `portalResume(u${this.user})`;
}

/** The dashboard reads the user's subscription, from either server: an answer, never a 5xx. */
class ReadSubscription extends UserCall {
  async run(model: Model, real: Real) {
    const user = pickUser(model, this.user);
    const path = procedurePath(this.via, '/api/billing/subscription', 'billing.subscription');
    const response = await real.system.call(this.instance, 'GET', path, { token: user.token }, real.record);
    expectStatus(real, `subscription of ${user.label}`, response.status, [200]);
  }
  override toString = () => `read(u${this.user}, ${this.instance}, ${this.via})`;
}

/** Stripe's delivery misbehaves: duplicates, reorders and delays webhooks. */
class Webhooks implements Command {
  constructor(
    readonly duplicate: boolean,
    readonly shuffle: boolean,
    readonly delayMs: number,
  ) {}
  check = () => true;
  async run(_model: Model, real: Real) {
    real.system.emulator.setDelivery({ duplicate: this.duplicate, shuffle: this.shuffle, delayMs: this.delayMs });
  }
  toString = () => `webhooks(duplicate ${this.duplicate}, shuffle ${this.shuffle}, delay ${this.delayMs} ms)`;
}

/** Stripe fails the next few matching requests (a transient outage the SDK's retries may or may not get past). */
class Fault implements Command {
  constructor(
    readonly endpoint: string,
    readonly kind: (typeof FAULT_KINDS)[number],
    readonly times: number,
  ) {}
  check = () => true;
  async run(_model: Model, real: Real) {
    real.system.faultsArmed = true;
    real.system.emulator.setFaults([{ endpoint: this.endpoint, kind: this.kind, rate: 1, times: this.times }]);
  }
  toString = () => `fault(${this.endpoint}, ${this.kind} ×${this.times})`;
}

/** Time passes at Stripe: sessions expire, subscriptions renew or end. */
class Clock implements Command {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const { emulator } = real.system;
    await emulator.advanceClock(this.seconds);
    model.unsettled = true;
    const now = emulator.now();
    for (const user of model.users) {
      const expected = user.expected;
      if (!expected || now < expected.periodEnd) continue;
      if (expected.cancelAtPeriodEnd) {
        user.expected = null;
        user.endedUnsettled = true;
        continue;
      }
      const renewed = await real.system.subscriptionAtStripe(expected.id);
      expected.periodEnd = renewed.items.data[0]?.current_period_end ?? expected.periodEnd;
    }
  }
  toString = () => `clock(+${this.seconds} s)`;
}

/**
 * Stripe loses every customer and session: an embedded emulator restarted, or an operator deleted
 * customers in the dashboard. Only before anyone paid, so no subscription vanishes with them.
 */
class Forget implements Command {
  check = (model: Readonly<Model>) => !model.paid && model.users.length > 0;
  async run(model: Model, real: Real) {
    await real.system.settle();
    await real.system.freshStripe();
    for (const user of model.users) {
      user.sessions = [];
      if (user.customer !== 'no') {
        user.customer = 'maybe';
        user.customerForgotten = true;
      }
    }
  }
  toString = () => 'forget()';
}

class Restart implements Command {
  constructor(readonly instance: number) {}
  check = () => true;
  async run(_model: Model, real: Real) {
    await real.system.restart(this.instance);
  }
  toString = () => `restart(${this.instance})`;
}

/** Webhooks settle, then every expensive invariant is checked. */
class Settle implements Command {
  check = () => true;
  async run(model: Model, real: Real) {
    await settleAndCheck(model, real);
  }
  toString = () => 'settle()';
}

export async function settleAndCheck(model: Model, real: Real): Promise<void> {
  await real.system.settle();
  model.unsettled = false;
  for (const user of model.users) user.endedUnsettled = false;
  await checkSettled(model, real);
}

const via = fc.constantFrom<Via>('rest', 'trpc');

const instance = fc.nat(1);
const index = fc.nat(20);

function checkoutCommand(shape: {
  price: fc.Arbitrary<string>;
  keys: fc.Arbitrary<number>;
  spelling: fc.Arbitrary<number>;
}): fc.Arbitrary<Command> {
  return fc
    .record({ user: index, instance, via, ...shape })
    .map((c) => new Checkout(c.user, c.instance, c.via, c.price, c.keys, c.spelling));
}

/** Every command by the name `INVARIANT_COMMANDS` selects it with. */
export const COMMANDS: Record<string, fc.Arbitrary<Command>> = {
  signup: fc.tuple(instance, via).map(([i, v]) => new SignUp(i, v)),
  checkout: checkoutCommand({
    price: fc.constantFrom(...PLANS, ...PLANS, ...INVALID_PRICES),
    keys: fc.nat(10),
    spelling: fc.constant(0),
  }),
  // The variants below each hunt one way a checkout can go wrong, so that a run can leave them out.
  offer: checkoutCommand({ price: fc.constant(NOT_ON_OFFER), keys: fc.nat(3), spelling: fc.constant(0) }),
  metadata: checkoutCommand({
    price: fc.constantFrom(...PLANS),
    keys: fc.integer({ min: 45, max: 50 }),
    spelling: fc.constant(0),
  }),
  spelling: checkoutCommand({
    price: fc.constantFrom(...PLANS),
    keys: fc.nat(3),
    spelling: fc.integer({ min: 1, max: URL_SPELLINGS.length - 1 }),
  }),
  mislabelled: fc.tuple(index, instance, via).map(([u, i, v]) => new MislabelledCheckout(u, i, v)),
  weakPassword: fc
    .tuple(instance, via, fc.constantFrom(...COMMON_PASSWORDS))
    .map(([i, v, p]) => new WeakSignUp(i, v, p)),
  bigBody: fc
    .tuple(instance, fc.constantFrom(...BODY_ROUTES), fc.constantFrom(...Object.keys(BODY_STARTS)))
    .map(([i, r, t]) => new BigBody(i, r, t)),
  burst: fc.tuple(index, instance).map(([u, i]) => new PortalBurst(u, i)),
  pay: fc.tuple(index, index).map(([u, s]) => new Pay(u, s)),
  abandon: fc.tuple(index, index).map(([u, s]) => new Abandon(u, s)),
  cancel: fc.tuple(index, instance, via).map(([u, i, v]) => new PortalCancel(u, i, v)),
  resume: index.map((u) => new PortalResume(u)),
  read: fc.tuple(index, instance, via).map(([u, i, v]) => new ReadSubscription(u, i, v)),
  webhooks: fc
    .tuple(fc.boolean(), fc.boolean(), fc.constantFrom(0, 0, 20, 100))
    .map(([d, s, ms]) => new Webhooks(d, s, ms)),
  fault: fc
    .tuple(fc.constantFrom(...FAULT_ENDPOINTS), fc.constantFrom(...FAULT_KINDS), fc.integer({ min: 1, max: 5 }))
    .map(([e, k, t]) => new Fault(e, k, t)),
  clock: fc.constantFrom(3600, DAY + 60, 32 * DAY, 366 * DAY).map((s) => new Clock(s)),
  restart: instance.map((i) => new Restart(i)),
  forget: fc.constant(new Forget()),
  settle: fc.constant(new Settle()),
};

/** The commands named in `selection` (comma-separated), or all; signing up and settling are always in. */
export function commandArbitraries(selection: string | undefined): fc.Arbitrary<Command>[] {
  const names = selection ? selection.split(',').map((name) => name.trim()) : Object.keys(COMMANDS);
  const unknown = names.filter((name) => !(name in COMMANDS));
  if (unknown.length > 0)
    throw new Error(`INVARIANT_COMMANDS names unknown commands: ${unknown} (known: ${Object.keys(COMMANDS)})`);
  return [...new Set(['signup', 'settle', ...names])].map((name) => COMMANDS[name] as fc.Arbitrary<Command>);
}
