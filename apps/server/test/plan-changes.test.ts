import type { AppRouter } from '@subkit/api';
import { subscriptions } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request, SEED_ORIGIN, type Stack, signUp, startStack, startTestServer } from './harness';

const STARTER = 'price_starter_monthly';
const PRO = 'price_1ABC123XYZ';
const PRO_YEARLY = 'price_pro_yearly';

interface View {
  id: string;
  priceId: string;
  interval: string | null;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: string | null;
  pendingChange: { priceId: string; effectiveAt: string } | null;
}
interface Preview {
  priceId: string;
  effective: 'now' | 'period_end';
  amountDue: number;
  currency: string;
  nextInvoiceAmount: number;
  nextInvoiceAt: string;
}
type Outcome<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string };
type Mutation = 'previewPlanChange' | 'changePlan' | 'cancelSubscription' | 'resumeSubscription';

/** One way of calling the API: the REST twins, or the typed tRPC client. */
interface Transport {
  name: string;
  mutate<T>(token: string, name: Mutation, input?: unknown, idempotencyKey?: string): Promise<Outcome<T>>;
}

const REST_URLS: Record<Mutation, string> = {
  previewPlanChange: '/api/billing/subscription/preview',
  changePlan: '/api/billing/subscription/change',
  cancelSubscription: '/api/billing/subscription/cancel',
  resumeSubscription: '/api/billing/subscription/resume',
};

function restTransport(stack: () => Stack): Transport {
  return {
    name: 'REST',
    async mutate(token, name, input, idempotencyKey) {
      const response = await request(stack().server.url, 'POST', REST_URLS[name], {
        token,
        ...(input === undefined ? {} : { body: input }),
        ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      });
      const body = response.body as { success: boolean; data?: unknown; error?: { code: string; message: string } };
      if (body.success) return { ok: true, data: body.data as never };
      return { ok: false, status: response.status, code: body.error?.code ?? '', message: body.error?.message ?? '' };
    },
  };
}

function trpcTransport(stack: () => Stack): Transport {
  return {
    name: 'tRPC',
    async mutate(token, name, input, idempotencyKey) {
      const client = createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${stack().server.url}/trpc`,
            headers: () => ({
              authorization: `Bearer ${token}`,
              ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
            }),
          }),
        ],
      });
      const procedures = client.billing as unknown as Record<Mutation, { mutate(input?: unknown): Promise<unknown> }>;
      try {
        return { ok: true, data: (await procedures[name].mutate(input)) as never };
      } catch (error) {
        if (!(error instanceof TRPCClientError)) throw error;
        const { data, message } = error as TRPCClientError<AppRouter>;
        return { ok: false, status: data?.httpStatus ?? 0, code: data?.code ?? '', message };
      }
    },
  };
}

function data<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.status} ${outcome.message}`);
  return outcome.data;
}

describe.each(testDatabaseKinds())('plan changes on %s', (kind) => {
  let stack: Stack;
  let stripe: Stripe;

  beforeAll(async () => {
    stack = await startStack(kind);
    stripe = stack.stripe;
    stack.emulator.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
  });
  afterEach(() => stack.emulator.setDelivery({}));
  afterAll(() => stack.close());

  async function view(token: string): Promise<View> {
    const response = await request(stack.server.url, 'GET', '/api/billing/subscription', { token });
    expect(response.status).toBe(200);
    return (response.body as { data: View }).data;
  }

  async function emulatorHelper(path: string) {
    const response = await fetch(`${stack.emulator.url}/v1/test_helpers/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.emulator.secretKey}` },
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<Record<string, unknown>>;
  }

  /**
   * A new user subscribed to `priceId` through checkout, with the webhooks applied. Subkit's checkout
   * takes Stripe's default billing mode, flexible; `classic` stands for a subscription made before
   * that default (or by another integration): the same checkout, asked for classic billing.
   */
  async function subscriber(priceId: string, billingMode: 'flexible' | 'classic' = 'flexible') {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: { priceId, successUrl: `${SEED_ORIGIN}/dashboard`, cancelUrl: `${SEED_ORIGIN}/pricing` },
    });
    expect(checkout.status).toBe(200);
    let { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
    if (billingMode === 'classic') {
      const ours = await stripe.checkout.sessions.retrieve(sessionId);
      const classic = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: String(ours.customer),
        line_items: [{ price: priceId, quantity: 1 }],
        subscription_data: { metadata: { userId: user.userId }, billing_mode: { type: 'classic' } },
        success_url: `${SEED_ORIGIN}/dashboard`,
      });
      sessionId = classic.id;
    }
    const session = await emulatorHelper(`checkout/sessions/${sessionId}/complete`);
    await stack.emulator.flushWebhooks();
    await expect.poll(() => view(user.token).then((current) => current?.priceId), { timeout: 10_000 }).toBe(priceId);
    return { ...user, subscriptionId: session.subscription as string };
  }

  /** Our row, in the fields Stripe decides, next to the same fields read from Stripe. */
  async function rowAndStripe(subscriptionId: string) {
    const [row] = await stack.database.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
    const inStripe = await stripe.subscriptions.retrieve(subscriptionId, { expand: ['schedule'] });
    const schedule = inStripe.schedule as Stripe.SubscriptionSchedule | null;
    const item = inStripe.items.data[0];
    const nextPhase = schedule?.phases.find((phase) => phase.start_date >= (schedule.current_phase?.end_date ?? 0));
    const nextPrice = nextPhase?.items[0]?.price;
    return {
      row: {
        priceId: row?.priceId,
        interval: row?.interval,
        cancelAtPeriodEnd: row?.cancelAtPeriodEnd,
        currentPeriodEnd: row?.currentPeriodEnd?.getTime(),
        scheduleId: row?.scheduleId,
        pendingPriceId: row?.pendingPriceId,
      },
      stripe: {
        priceId: item?.price.id,
        interval: item?.price.recurring?.interval,
        cancelAtPeriodEnd: inStripe.cancel_at_period_end,
        currentPeriodEnd: (item?.current_period_end ?? 0) * 1000,
        scheduleId: schedule?.id ?? null,
        pendingPriceId: nextPrice && nextPrice !== item?.price.id ? nextPrice : null,
      },
    };
  }

  // Each transport gets its own stack: its last test moves that emulator's clock a month ahead.
  let own: Stack;
  describe.each([restTransport, trpcTransport].map((make) => make(() => own)))('over $name', (api) => {
    let outer: Stack;
    beforeAll(async () => {
      outer = stack;
      own = await startStack(kind);
      own.emulator.addWebhookEndpoint(`${own.server.url}/api/billing/webhook`);
      stack = own;
      stripe = own.stripe;
    });
    afterAll(async () => {
      stack = outer;
      stripe = outer.stripe;
      await own.close();
    });

    it('upgrades now, charging exactly the previewed prorated amount', async () => {
      const user = await subscriber(STARTER);
      const preview = data(await api.mutate<Preview>(user.token, 'previewPlanChange', { priceId: PRO }));
      expect(preview).toMatchObject({ priceId: PRO, effective: 'now', currency: 'usd', nextInvoiceAmount: 2900 });
      // Moments into a month of Starter, the rest of the month costs about the difference (prorated
      // to the second; the emulator's own tests check the arithmetic over longer spans).
      expect(preview.amountDue).toBeGreaterThan(1900);
      expect(preview.amountDue).toBeLessThanOrEqual(2900 - 900);
      // An hour passes at Stripe before the user confirms: the charge must still be the previewed one,
      // prorated from the preview's moment (an hour less of Pro would cost about 4 cents less).
      await stack.emulator.advanceClock(3600);

      const changed = data(await api.mutate<View>(user.token, 'changePlan', { priceId: PRO }));
      expect(changed).toMatchObject({ priceId: PRO, interval: 'month', pendingChange: null });
      const inStripe = await stripe.subscriptions.retrieve(user.subscriptionId, { expand: ['latest_invoice'] });
      const invoice = inStripe.latest_invoice as Stripe.Invoice;
      expect(invoice).toMatchObject({ billing_reason: 'subscription_update', status: 'paid' });
      expect(invoice.amount_paid).toBe(preview.amountDue);
      expect(Date.parse(preview.nextInvoiceAt)).toBe((inStripe.items.data[0]?.current_period_end ?? 0) * 1000);
      expect(await view(user.token)).toMatchObject({ priceId: PRO, interval: 'month' });
    });

    it('treats month → year as an upgrade that restarts the period', async () => {
      const user = await subscriber(PRO);
      const preview = data(await api.mutate<Preview>(user.token, 'previewPlanChange', { priceId: PRO_YEARLY }));
      expect(preview.effective).toBe('now');
      const changed = data(await api.mutate<View>(user.token, 'changePlan', { priceId: PRO_YEARLY }));
      expect(changed).toMatchObject({ priceId: PRO_YEARLY, interval: 'year' });
      expect(changed.currentPeriodEnd).toBe(preview.nextInvoiceAt);
      const invoice = (await stripe.subscriptions.retrieve(user.subscriptionId, { expand: ['latest_invoice'] }))
        .latest_invoice as Stripe.Invoice;
      expect(invoice.amount_paid).toBe(preview.amountDue);
    });

    it('cancels a pending change when the current price is chosen again, else says "Already on this plan"', async () => {
      const user = await subscriber(PRO);
      const same = await api.mutate(user.token, 'changePlan', { priceId: PRO });
      expect(same).toEqual({ ok: false, status: 400, code: 'BAD_REQUEST', message: 'Already on this plan' });

      data(await api.mutate<View>(user.token, 'changePlan', { priceId: STARTER }));
      const kept = data(await api.mutate<View>(user.token, 'changePlan', { priceId: PRO }));
      expect(kept).toMatchObject({ priceId: PRO, pendingChange: null });
      expect((await stripe.subscriptions.retrieve(user.subscriptionId)).schedule).toBeNull();
      expect(await api.mutate(user.token, 'changePlan', { priceId: PRO })).toMatchObject({ status: 400 });
    });

    it('refuses prices not on offer and users without a live subscription', async () => {
      const user = await subscriber(PRO);
      for (const priceId of ['price_legacy_inactive', 'price_one_time_setup', 'price_nope', 'not-a-price']) {
        for (const name of ['changePlan', 'previewPlanChange'] as const) {
          expect(await api.mutate(user.token, name, { priceId })).toEqual({
            ok: false,
            status: 400,
            code: 'BAD_REQUEST',
            message: 'Invalid price ID',
          });
        }
      }
      const newcomer = await signUp(stack.server.url);
      for (const [name, input] of [
        ['changePlan', { priceId: PRO }],
        ['previewPlanChange', { priceId: PRO }],
        ['cancelSubscription', undefined],
        ['resumeSubscription', undefined],
      ] as const) {
        expect(await api.mutate(newcomer.token, name, input)).toEqual({
          ok: false,
          status: 400,
          code: 'BAD_REQUEST',
          message: 'No active subscription: subscribe to a plan first',
        });
      }
    });

    it('cancels at period end and resumes, dropping a pending change', async () => {
      const user = await subscriber(PRO);
      data(await api.mutate<View>(user.token, 'changePlan', { priceId: STARTER }));
      const canceled = data(await api.mutate<View>(user.token, 'cancelSubscription'));
      expect(canceled).toMatchObject({ cancelAtPeriodEnd: true, pendingChange: null, priceId: PRO });
      expect(await stripe.subscriptions.retrieve(user.subscriptionId)).toMatchObject({
        cancel_at_period_end: true,
        schedule: null,
      });
      const resumed = data(await api.mutate<View>(user.token, 'resumeSubscription'));
      expect(resumed).toMatchObject({ cancelAtPeriodEnd: false });
      expect((await stripe.subscriptions.retrieve(user.subscriptionId)).cancel_at_period_end).toBe(false);
      expect(await view(user.token)).toMatchObject({ cancelAtPeriodEnd: false });
    });

    it('replays a change made with the same Idempotency-Key, and refuses the key with another body', async () => {
      const user = await subscriber(PRO);
      const key = `change-${user.userId}`;
      const first = data(await api.mutate<View>(user.token, 'changePlan', { priceId: STARTER }, key));
      const again = data(await api.mutate<View>(user.token, 'changePlan', { priceId: STARTER }, key));
      expect(again).toEqual(first);
      const schedules = await stripe.subscriptionSchedules.list({
        customer: (await stripe.subscriptions.retrieve(user.subscriptionId)).customer as string,
      });
      expect(schedules.data).toHaveLength(1);
      expect(await api.mutate(user.token, 'changePlan', { priceId: PRO }, key)).toMatchObject({
        ok: false,
        status: 409,
        code: 'CONFLICT',
      });
    });

    it('leaves the old price when the upgrade payment fails, and says so', async () => {
      const user = await subscriber(STARTER);
      await emulatorHelper(`subscriptions/${user.subscriptionId}/fail_next_payment`);
      const failed = await api.mutate(user.token, 'changePlan', { priceId: PRO });
      expect(failed).toMatchObject({ ok: false, status: 400, code: 'BAD_REQUEST' });
      expect((failed as { message: string }).message).toMatch(/payment for the new plan failed/);
      const inStripe = await stripe.subscriptions.retrieve(user.subscriptionId);
      expect(inStripe.items.data[0]?.price.id).toBe(STARTER);
      expect(inStripe.pending_update?.subscription_items?.[0]?.price.id).toBe(PRO);
      await stack.emulator.flushWebhooks();
      expect(await view(user.token)).toMatchObject({ priceId: STARTER, interval: 'month' });
    });
    // Last: it moves this stack's clock a month ahead.
    it('downgrades at the period end: pending until the clock passes it, then applied', async () => {
      const user = await subscriber(PRO);
      const before = await view(user.token);
      const preview = data(await api.mutate<Preview>(user.token, 'previewPlanChange', { priceId: STARTER }));
      expect(preview).toMatchObject({
        effective: 'period_end',
        amountDue: 0,
        nextInvoiceAmount: 900,
        nextInvoiceAt: before.currentPeriodEnd,
      });
      const changed = data(await api.mutate<View>(user.token, 'changePlan', { priceId: STARTER }));
      expect(changed).toMatchObject({
        priceId: PRO,
        pendingChange: { priceId: STARTER, effectiveAt: before.currentPeriodEnd },
      });
      expect(await view(user.token)).toMatchObject({ pendingChange: { priceId: STARTER } });

      const periodEnd = Date.parse(before.currentPeriodEnd ?? '') / 1000;
      await stack.emulator.advanceClock(periodEnd - stack.emulator.now() + 60);
      await stack.emulator.flushWebhooks();
      await expect
        .poll(() => view(user.token), { timeout: 10_000 })
        .toMatchObject({ priceId: STARTER, pendingChange: null });
      const invoice = (await stripe.subscriptions.retrieve(user.subscriptionId, { expand: ['latest_invoice'] }))
        .latest_invoice as Stripe.Invoice;
      expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 900 });
    });
  });

  describe.each(['flexible', 'classic'] as const)('in %s billing mode', (billingMode) => {
    /** The customer cancels in Stripe's portal, as Subkit's "Manage billing" sends them to. */
    async function cancelInPortal(token: string, subscriptionId: string) {
      const portal = await request(stack.server.url, 'POST', '/api/billing/portal', {
        token,
        body: { returnUrl: `${SEED_ORIGIN}/dashboard` },
      });
      expect(portal.status).toBe(200);
      const { url } = (portal.body as { data: { url: string } }).data;
      const cancelled = await fetch(`${url}/cancel`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ subscription: subscriptionId }),
      });
      expect(cancelled.status).toBe(303);
      await stack.emulator.flushWebhooks();
    }

    it('shows a portal cancellation as ending at the period end, and resumes it', async () => {
      const user = await subscriber(PRO, billingMode);
      const periodEnd = (await view(user.token)).currentPeriodEnd;
      await cancelInPortal(user.token, user.subscriptionId);
      const inStripe = await stripe.subscriptions.retrieve(user.subscriptionId);
      expect(inStripe.billing_mode.type).toBe(billingMode);
      // Flexible billing records the portal's cancellation as a date only.
      expect(inStripe.cancel_at_period_end).toBe(billingMode === 'classic');
      expect(inStripe.cancel_at).toBe(Date.parse(periodEnd ?? '') / 1000);
      await expect
        .poll(() => view(user.token).then((current) => current.cancelAtPeriodEnd), { timeout: 10_000 })
        .toBe(true);
      expect(await view(user.token)).toMatchObject({ status: 'active', currentPeriodEnd: periodEnd });

      const resumed = await request(stack.server.url, 'POST', '/api/billing/subscription/resume', {
        token: user.token,
      });
      expect(resumed.status).toBe(200);
      expect((resumed.body as { data: View }).data).toMatchObject({ cancelAtPeriodEnd: false });
      expect(await stripe.subscriptions.retrieve(user.subscriptionId)).toMatchObject({
        cancel_at_period_end: false,
        cancel_at: null,
      });
    });

    it('cancels through Subkit and resumes, and a second cancel of a portal cancellation changes nothing', async () => {
      const user = await subscriber(PRO, billingMode);
      const cancel = () => request(stack.server.url, 'POST', '/api/billing/subscription/cancel', { token: user.token });
      const canceled = await cancel();
      expect((canceled.body as { data: View }).data).toMatchObject({ cancelAtPeriodEnd: true });
      expect((await stripe.subscriptions.retrieve(user.subscriptionId)).cancel_at_period_end).toBe(true);
      const resumed = await request(stack.server.url, 'POST', '/api/billing/subscription/resume', {
        token: user.token,
      });
      expect((resumed.body as { data: View }).data).toMatchObject({ cancelAtPeriodEnd: false });
      expect((await stripe.subscriptions.retrieve(user.subscriptionId)).cancel_at).toBeNull();

      await cancelInPortal(user.token, user.subscriptionId);
      const before = await stripe.subscriptions.retrieve(user.subscriptionId);
      expect((await cancel()).body).toMatchObject({ success: true, data: { cancelAtPeriodEnd: true } });
      const after = await stripe.subscriptions.retrieve(user.subscriptionId);
      expect(after).toMatchObject({ cancel_at: before.cancel_at, cancel_at_period_end: before.cancel_at_period_end });
    });
  });

  it('charges the previewed amount when the change reaches another server process', async () => {
    const user = await subscriber(STARTER);
    const other = await startTestServer(await stack.openSecondHandle(), stack.emulator);
    try {
      const previewed = await request(stack.server.url, 'POST', '/api/billing/subscription/preview', {
        token: user.token,
        body: { priceId: PRO },
      });
      expect(previewed.status).toBe(200);
      const preview = (previewed.body as { data: Preview }).data;
      // An hour at Stripe before the user confirms, on the other process: still the previewed charge.
      await stack.emulator.advanceClock(3600);
      const changed = await request(other.url, 'POST', '/api/billing/subscription/change', {
        token: user.token,
        body: { priceId: PRO },
      });
      expect(changed.status).toBe(200);
      const inStripe = await stripe.subscriptions.retrieve(user.subscriptionId, { expand: ['latest_invoice'] });
      expect((inStripe.latest_invoice as Stripe.Invoice).amount_paid).toBe(preview.amountDue);
    } finally {
      await other.close();
    }
  });

  it('keeps the row equal to Stripe through changes made outside the API, webhooks shuffled and duplicated', async () => {
    const user = await subscriber(PRO);
    stack.emulator.setDelivery({ duplicate: true, shuffle: true });
    // As the portal or the dashboard would: a schedule for a downgrade, then an upgrade on top.
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: user.subscriptionId });
    // Settled before the phases change, so only the schedule's own event announces the pending change.
    await stack.emulator.flushWebhooks();
    const phase = schedule.phases[0];
    await stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        { items: [{ price: PRO, quantity: 1 }], start_date: phase?.start_date, end_date: phase?.end_date },
        { items: [{ price: STARTER, quantity: 1 }], duration: { interval: 'month', interval_count: 1 } },
      ],
    });
    await stack.emulator.flushWebhooks();
    let state = await rowAndStripe(user.subscriptionId);
    expect(state.stripe.pendingPriceId).toBe(STARTER);
    expect(state.row).toEqual(state.stripe);

    await stripe.subscriptionSchedules.release(schedule.id);
    const item = (await stripe.subscriptions.retrieve(user.subscriptionId)).items.data[0];
    await stripe.subscriptions.update(user.subscriptionId, {
      items: [{ id: item?.id ?? '', price: PRO_YEARLY }],
      proration_behavior: 'always_invoice',
    });
    await stripe.subscriptions.update(user.subscriptionId, { cancel_at_period_end: true });
    await stack.emulator.flushWebhooks();
    state = await rowAndStripe(user.subscriptionId);
    expect(state.stripe).toMatchObject({ priceId: PRO_YEARLY, cancelAtPeriodEnd: true, scheduleId: null });
    expect(state.row).toEqual(state.stripe);
  });
});
