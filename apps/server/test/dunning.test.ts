import type { AppRouter } from '@subkit/api';
import { testDatabaseKinds } from '@subkit/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payCheckout, request, SEED_ORIGIN, type Stack, signUp, startStack } from './harness';

const STARTER = 'price_starter_monthly';
const PRO = 'price_1ABC123XYZ';
const PRO_FEATURES = ['Unlimited projects', 'Report export', 'Priority support'];
const DAY = 86_400;
const DASHBOARD = `${SEED_ORIGIN}/dashboard`;

interface Entitlements {
  subscribed: boolean;
  status: string | null;
  features: string[];
}
type Outcome<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string };

/** One way of calling the API: the REST twins, or the typed tRPC client. */
interface Transport {
  name: string;
  entitlements(token: string): Promise<Outcome<Entitlements>>;
  exportReport(token: string): Promise<Outcome<{ filename: string; csv: string }>>;
  subscriptionStatus(token: string): Promise<string | undefined>;
  openPortal(token: string, input: Record<string, unknown>): Promise<Outcome<{ url: string }>>;
}

function restTransport(stack: () => Stack): Transport {
  const call = async <T>(method: string, path: string, token: string, body?: unknown): Promise<Outcome<T>> => {
    const response = await request(stack().server.url, method, path, { token, ...(body ? { body } : {}) });
    const envelope = response.body as { success: boolean; data?: T; error?: { code: string; message: string } };
    if (envelope.success) return { ok: true, data: envelope.data as T };
    return {
      ok: false,
      status: response.status,
      code: envelope.error?.code ?? '',
      message: envelope.error?.message ?? '',
    };
  };
  return {
    name: 'REST',
    entitlements: (token) => call('GET', '/api/billing/entitlements', token),
    exportReport: (token) => call('GET', '/api/reports/export', token),
    subscriptionStatus: async (token) => {
      const outcome = await call<{ status: string } | null>('GET', '/api/billing/subscription', token);
      return outcome.ok ? outcome.data?.status : undefined;
    },
    openPortal: (token, input) => call('POST', '/api/billing/portal', token, input),
  };
}

function trpcTransport(stack: () => Stack): Transport {
  const clientFor = (token: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack().server.url}/trpc`, headers: () => ({ authorization: `Bearer ${token}` }) })],
    });
  const outcome = async <T>(run: () => Promise<T>): Promise<Outcome<T>> => {
    try {
      return { ok: true, data: await run() };
    } catch (error) {
      if (!(error instanceof TRPCClientError)) throw error;
      const { data, message } = error as TRPCClientError<AppRouter>;
      return { ok: false, status: data?.httpStatus ?? 0, code: data?.code ?? '', message };
    }
  };
  return {
    name: 'tRPC',
    entitlements: (token) => outcome(() => clientFor(token).billing.entitlements.query()),
    exportReport: (token) => outcome(() => clientFor(token).reports.export.query()),
    subscriptionStatus: async (token) => (await clientFor(token).billing.subscription.query())?.status,
    openPortal: (token, input) =>
      outcome(() => clientFor(token).billing.createPortalSession.mutate(input as { returnUrl: string })),
  };
}

function data<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.status} ${outcome.message}`);
  return outcome.data;
}

describe.each(testDatabaseKinds())('failed payments and entitlements on %s', (kind) => {
  // One stack per transport: the last test moves its clock weeks ahead, past what a new checkout accepts.
  describe.each([
    { transport: 'REST', makeTransport: restTransport },
    { transport: 'tRPC', makeTransport: trpcTransport },
  ])('over $transport', ({ makeTransport }) => {
    let stack: Stack;
    const api = makeTransport(() => stack);

    beforeAll(async () => {
      stack = await startStack(kind);
      stack.emulator.addWebhookEndpoint(`${stack.server.url}/api/billing/webhook`);
    });
    afterAll(() => stack.close());

    async function emulatorHelper(path: string) {
      const response = await fetch(`${stack.emulator.url}/v1/test_helpers/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.emulator.secretKey}` },
      });
      expect(response.status).toBe(200);
    }

    /** A new user subscribed to `priceId` through checkout, with the webhooks applied. */
    async function subscriber(priceId: string) {
      const user = await signUp(stack.server.url);
      const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
        token: user.token,
        body: { priceId, successUrl: DASHBOARD, cancelUrl: `${SEED_ORIGIN}/pricing` },
      });
      expect(checkout.status).toBe(200);
      const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
      const completed = await payCheckout(stack.emulator, sessionId);
      await stack.emulator.flushWebhooks();
      return { ...user, subscriptionId: String(completed.subscription) };
    }

    async function advance(seconds: number) {
      await stack.emulator.advanceClock(seconds);
      await stack.emulator.flushWebhooks();
    }

    /** Saves a card on the portal page the URL opens on, as the customer would; answers where it sends them. */
    async function saveCardInPortal(portalUrl: string): Promise<string | null> {
      const form = await (await fetch(portalUrl)).text();
      expect(form).toContain('Update your payment method');
      const action = /<form method="post" action="([^"]+)">/.exec(form)?.[1];
      const saved = await fetch(new URL(String(action), portalUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ card: '4242 4242 4242 4242' }).toString(),
      });
      expect(saved.status).toBe(303);
      return saved.headers.get('location');
    }

    it('refuses a user without a subscription: not subscribed, 403 on the gated example', async () => {
      const user = await signUp(stack.server.url);
      expect(data(await api.entitlements(user.token))).toEqual({ subscribed: false, status: null, features: [] });
      expect(await api.exportReport(user.token)).toEqual({
        ok: false,
        status: 403,
        code: 'FORBIDDEN',
        message: 'A subscription is required',
      });
    });

    it('lists the plan’s features, and gates the example on one only Pro includes', async () => {
      const starter = await subscriber(STARTER);
      expect(data(await api.entitlements(starter.token))).toEqual({
        subscribed: true,
        status: 'active',
        features: ['Up to 3 projects', 'Email support'],
      });
      expect(await api.exportReport(starter.token)).toEqual({
        ok: false,
        status: 403,
        code: 'FORBIDDEN',
        message: 'Your plan does not include Report export',
      });

      const pro = await subscriber(PRO);
      expect(data(await api.entitlements(pro.token))).toEqual({
        subscribed: true,
        status: 'active',
        features: PRO_FEATURES,
      });
      expect(data(await api.exportReport(pro.token))).toEqual({
        filename: 'subscription-report.csv',
        csv: ['feature', ...PRO_FEATURES].join('\n'),
      });
    });

    it('refuses a portal flow it does not offer', async () => {
      const user = await subscriber(STARTER);
      expect(await api.openPortal(user.token, { returnUrl: DASHBOARD, flow: 'subscription_cancel' })).toMatchObject({
        ok: false,
        status: 400,
        code: 'BAD_REQUEST',
        message: 'flow must be payment_method_update',
      });
    });

    // Last: it moves this stack's clock weeks ahead.
    it('keeps failed renewals entitled while Stripe retries: updated card → active, retries run out → canceled', async () => {
      const [recovering, lapsing] = [await subscriber(PRO), await subscriber(PRO)];
      for (const user of [recovering, lapsing]) {
        await emulatorHelper(`subscriptions/${user.subscriptionId}/fail_next_renewal`);
      }
      const { items } = await stack.stripe.subscriptions.retrieve(recovering.subscriptionId);
      await advance((items.data[0]?.current_period_end ?? 0) - stack.emulator.now() + 60);
      for (const user of [recovering, lapsing]) {
        await expect.poll(() => api.subscriptionStatus(user.token), { timeout: 10_000 }).toBe('past_due');
        expect(data(await api.entitlements(user.token))).toEqual({
          subscribed: true,
          status: 'past_due',
          features: PRO_FEATURES,
        });
        expect(data(await api.exportReport(user.token)).csv).toContain('Report export');
      }

      // The dashboard's "Update payment method": the portal opens on its payment method form, then returns.
      const portal = data(
        await api.openPortal(recovering.token, { returnUrl: DASHBOARD, flow: 'payment_method_update' }),
      );
      expect(await saveCardInPortal(portal.url)).toBe(DASHBOARD);
      await stack.emulator.flushWebhooks();
      // Saving the card charges nothing by itself: past_due until Stripe's next retry, three days on.
      expect(await api.subscriptionStatus(recovering.token)).toBe('past_due');
      await advance(3 * DAY);
      await expect.poll(() => api.subscriptionStatus(recovering.token), { timeout: 10_000 }).toBe('active');
      expect(data(await api.entitlements(recovering.token))).toMatchObject({ subscribed: true, status: 'active' });

      // The other card keeps declining: after the last retry Stripe cancels, and the entitlement goes.
      expect(await api.subscriptionStatus(lapsing.token)).toBe('past_due');
      await advance(3 * DAY);
      await advance(3 * DAY);
      await expect.poll(() => api.subscriptionStatus(lapsing.token), { timeout: 10_000 }).toBe('canceled');
      expect(data(await api.entitlements(lapsing.token))).toEqual({
        subscribed: false,
        status: 'canceled',
        features: [],
      });
      expect(await api.exportReport(lapsing.token)).toMatchObject({
        ok: false,
        status: 403,
        message: 'A subscription is required',
      });
      expect(data(await api.entitlements(recovering.token))).toMatchObject({ subscribed: true, status: 'active' });
    });
  });
});
