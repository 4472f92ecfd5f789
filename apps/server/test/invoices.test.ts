/**
 * Billing history: each user sees their own invoices only, newest first, a page at a time, on
 * both transports; read from Stripe, so a user Stripe knows nothing of gets an empty list.
 */
import type { AppRouter } from '@subkit/api';
import { BILLING_ERROR_CODES, type InvoiceSummary } from '@subkit/billing';
import { users } from '@subkit/db';
import { testDatabaseKinds } from '@subkit/db/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, payCheckout, request, type Stack, signUp, startStack } from './harness';

const MONTH_AND_A_DAY = 32 * 86_400;

interface InvoicePage {
  invoices: InvoiceSummary[];
  hasMore: boolean;
}

describe.each(testDatabaseKinds())('billing history on %s', (kind) => {
  let stack: Stack;
  /** Subscribed before the clock moved on twice: three invoices each (the first and two renewals). */
  let alice: Awaited<ReturnType<typeof subscribedUser>>;
  let bob: Awaited<ReturnType<typeof subscribedUser>>;

  const trpc = (token: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({ url: `${stack.server.url}/trpc`, headers: () => ({ authorization: `Bearer ${token}` }) }),
      ],
    });
  const listRest = (token: string, query = '') =>
    request(stack.server.url, 'GET', `/api/billing/invoices${query}`, { token });
  async function pageOf(token: string, query = ''): Promise<InvoicePage> {
    const response = await listRest(token, query);
    expect(response.status, response.text).toBe(200);
    return (response.body as { data: InvoicePage }).data;
  }

  async function subscribedUser() {
    const user = await signUp(stack.server.url);
    const checkout = await request(stack.server.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      body: checkoutBody(),
    });
    expect(checkout.status, checkout.text).toBe(200);
    const { sessionId } = (checkout.body as { data: { sessionId: string } }).data;
    const completed = await payCheckout(stack.emulator, sessionId);
    return { ...user, customer: completed.customer as string };
  }

  /** What Stripe holds for the customer, newest first. */
  async function stripeInvoicesOf(customer: string) {
    return (await stack.stripe.invoices.list({ customer, limit: 100 })).data;
  }

  beforeAll(async () => {
    stack = await startStack(kind);
    [alice, bob] = [await subscribedUser(), await subscribedUser()];
    await stack.emulator.advanceClock(MONTH_AND_A_DAY);
    await stack.emulator.advanceClock(MONTH_AND_A_DAY);
  });
  afterAll(() => stack.close());

  it("lists the user's own invoices, newest first, with Stripe's numbers, amounts, periods and links", async () => {
    const held = await stripeInvoicesOf(alice.customer);
    expect(held).toHaveLength(3);
    const { invoices, hasMore } = await pageOf(alice.token);
    expect(hasMore).toBe(false);
    expect(invoices).toEqual(
      held.map((invoice) => ({
        id: invoice.id,
        number: invoice.number,
        status: 'paid',
        amountDue: 2900,
        amountPaid: 2900,
        currency: 'usd',
        created: new Date(invoice.created * 1000).toISOString(),
        periodStart: new Date(invoice.period_start * 1000).toISOString(),
        periodEnd: new Date(invoice.period_end * 1000).toISOString(),
        hostedInvoiceUrl: invoice.hosted_invoice_url,
        invoicePdf: invoice.invoice_pdf,
      })),
    );
    const created = invoices.map((invoice) => invoice.created);
    expect(created).toEqual([...created].sort().reverse());
    expect(new Set(invoices.map((invoice) => invoice.number)).size).toBe(3);
    for (const invoice of invoices) {
      expect(invoice.hostedInvoiceUrl).toMatch(/^http/);
      expect((await fetch(invoice.invoicePdf ?? '')).status).toBe(200);
    }

    const bobs = await pageOf(bob.token);
    expect(bobs.invoices).toHaveLength(3);
    expect(bobs.invoices.map((invoice) => invoice.id)).not.toEqual(
      expect.arrayContaining(invoices.map((invoice) => invoice.id)),
    );
    expect(await trpc(alice.token).billing.invoices.query()).toEqual({ invoices, hasMore: false });
  });

  it('pages with limit and startingAfter, the same over REST and tRPC', async () => {
    const all = (await pageOf(alice.token)).invoices.map((invoice) => invoice.id);
    const first = await pageOf(alice.token, '?limit=2');
    expect(first.invoices.map((invoice) => invoice.id)).toEqual(all.slice(0, 2));
    expect(first.hasMore).toBe(true);
    const second = await pageOf(alice.token, `?limit=2&startingAfter=${first.invoices[1]?.id}`);
    expect(second.invoices.map((invoice) => invoice.id)).toEqual(all.slice(2));
    expect(second.hasMore).toBe(false);

    const client = trpc(alice.token);
    expect(await client.billing.invoices.query({ limit: 2 })).toEqual(first);
    expect(await client.billing.invoices.query({ limit: 2, startingAfter: first.invoices[1]?.id })).toEqual(second);
  });

  it("refuses another user's invoice, or a made-up one, as startingAfter (400), on both transports", async () => {
    const bobsInvoice = (await stripeInvoicesOf(bob.customer))[0]?.id ?? '';
    const invalid = { success: false, error: BILLING_ERROR_CODES.INVALID_STARTING_AFTER };
    for (const cursor of [bobsInvoice, 'in_madeUp123', 'not-an-invoice']) {
      const response = await listRest(alice.token, `?startingAfter=${cursor}`);
      expect(response.status, cursor).toBe(400);
      expect(response.body).toEqual(invalid);
    }
    const failure = await trpc(alice.token)
      .billing.invoices.query({ startingAfter: bobsInvoice })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect((failure as TRPCClientError<AppRouter>).message).toBe(BILLING_ERROR_CODES.INVALID_STARTING_AFTER.message);
    expect((failure as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
  });

  it('answers a bad limit or an unknown parameter with a clear 400', async () => {
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?limit=2&limit=3']) {
      const response = await listRest(alice.token, query);
      expect(response.status, query).toBe(400);
      expect(response.body, query).toMatchObject({
        success: false,
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('limit must be a whole number from 1 to 100') },
      });
    }
    const unknown = await listRest(alice.token, '?page=2');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('page');
  });

  it('gives a user who never checked out, and one whose customer Stripe lost, an empty list', async () => {
    const newcomer = await signUp(stack.server.url);
    const listCalls = () => stack.emulator.stats().byEndpoint['GET /v1/invoices'] ?? 0;
    const before = listCalls();
    expect(await pageOf(newcomer.token)).toEqual({ invoices: [], hasMore: false });
    expect(await trpc(newcomer.token).billing.invoices.query()).toEqual({ invoices: [], hasMore: false });
    // Without a customer there is nothing to ask Stripe (and no customer filter to ask with).
    expect(listCalls()).toBe(before);

    const lost = await signUp(stack.server.url);
    await stack.database.db
      .update(users)
      .set({ stripeCustomerId: 'cus_LostByStripe1' })
      .where(eq(users.id, lost.userId));
    expect(await pageOf(lost.token)).toEqual({ invoices: [], hasMore: false });
  });

  it('is in the OpenAPI document with its query parameters', async () => {
    const document = (await request(stack.server.url, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, { get?: { parameters: { name: string; in: string; schema: unknown }[] } }>;
    };
    const parameters = document.paths['/api/billing/invoices']?.get?.parameters ?? [];
    expect(parameters.filter((parameter) => parameter.in === 'query')).toEqual([
      expect.objectContaining({
        name: 'limit',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      }),
      expect.objectContaining({ name: 'startingAfter', required: false }),
    ]);
  });

  it('needs a session', async () => {
    const response = await request(stack.server.url, 'GET', '/api/billing/invoices');
    expect(response.status).toBe(401);
  });
});
