import type { AppServices, SessionUser } from '@subkit/core';
import { TRPCError } from '@trpc/server';
import Stripe from 'stripe';
import { z } from 'zod';
import { BILLING_ERROR_CODES } from '../error-codes';
import { isMissingResource, toBillingError } from '../stripe/errors';

const INVOICE_ID = /^in_[A-Za-z0-9]{1,250}$/;
export const DEFAULT_INVOICE_PAGE = 10;
const LIMIT_RANGE = 'limit must be a whole number from 1 to 100';

/**
 * A GET's input: over REST the parameters arrive as query strings, so `limit` is read from a
 * string of digits as well as a number; over tRPC the whole input may be left out.
 */
export const listInvoicesInput = z
  .strictObject({
    limit: z
      .preprocess(
        (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
        z.number({ error: LIMIT_RANGE }).int(LIMIT_RANGE).min(1, LIMIT_RANGE).max(100, LIMIT_RANGE),
      )
      .default(DEFAULT_INVOICE_PAGE)
      .meta({ description: `Invoices per page, 1 to 100 (default ${DEFAULT_INVOICE_PAGE})` }),
    startingAfter: z
      .string()
      .regex(INVOICE_ID, BILLING_ERROR_CODES.INVALID_STARTING_AFTER.message)
      .optional()
      .meta({
        description: 'The last invoice id of the previous page: the page starts after it',
        examples: ['in_1NxYz2AbCdEf'],
      }),
  })
  .prefault({});

const timestamp = (description: string) => z.string().meta({ description: `ISO 8601 time ${description}` });

export const invoiceOutput = z.object({
  id: z.string().meta({ description: 'Stripe invoice ID', examples: ['in_1NxYz2AbCdEf'] }),
  number: z.string().nullable().meta({ description: "Stripe's invoice number (customer prefix + sequence)" }),
  status: z
    .string()
    .nullable()
    .meta({ description: "Stripe's status: open, paid, uncollectible or void (drafts are not listed)" }),
  amountDue: z.number().int().meta({ description: 'In the smallest currency unit (cents)' }),
  amountPaid: z.number().int().meta({ description: 'In the smallest currency unit (cents)' }),
  currency: z.string().meta({ examples: ['usd'] }),
  created: timestamp('the invoice was created'),
  periodStart: timestamp('the billed period starts'),
  periodEnd: timestamp('the billed period ends'),
  hostedInvoiceUrl: z.string().nullable().meta({ description: "Stripe's page for the invoice", format: 'uri' }),
  invoicePdf: z.string().nullable().meta({ description: 'The invoice as a PDF', format: 'uri' }),
});
export type InvoiceSummary = z.infer<typeof invoiceOutput>;

export const listInvoicesOutput = z.object({
  invoices: z.array(invoiceOutput).meta({ description: 'Newest first' }),
  hasMore: z.boolean().meta({ description: 'More invoices follow: ask again with `startingAfter` = the last id' }),
});
type InvoicePage = z.infer<typeof listInvoicesOutput>;

const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString();

function summarize(invoice: Stripe.Invoice): InvoiceSummary {
  return {
    id: invoice.id ?? '',
    number: invoice.number,
    status: invoice.status,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    currency: invoice.currency,
    created: isoTime(invoice.created),
    periodStart: isoTime(invoice.period_start),
    periodEnd: isoTime(invoice.period_end),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
  };
}

/**
 * The user's invoices, newest first, read from Stripe on each call (see the README: Stripe is
 * where invoices, their numbers and their hosted pages live). Only the user's own customer is
 * asked, so `startingAfter` naming anyone else's invoice is refused by Stripe itself. Drafts are
 * left out (no number, no page yet); a page made only of drafts is skipped so that a non-empty
 * answer always gives the next cursor.
 */
export async function listInvoices(
  { stripe }: Pick<AppServices, 'stripe'>,
  user: SessionUser,
  input: z.output<typeof listInvoicesInput>,
): Promise<InvoicePage> {
  const customer = user.stripeCustomerId;
  if (!customer) return { invoices: [], hasMore: false };
  let startingAfter = input.startingAfter;
  for (;;) {
    const page = await listPage(stripe, customer, input.limit, startingAfter);
    if (!page) return { invoices: [], hasMore: false };
    const invoices = page.data.filter((invoice) => invoice.status !== 'draft').map(summarize);
    const last = page.data.at(-1)?.id;
    if (invoices.length > 0 || !page.has_more || !last) return { invoices, hasMore: page.has_more };
    startingAfter = last;
  }
}

/** One page from Stripe, or null when Stripe no longer has the customer. */
async function listPage(stripe: Stripe, customer: string, limit: number, startingAfter: string | undefined) {
  try {
    return await stripe.invoices.list({
      customer,
      limit,
      ...(startingAfter && { starting_after: startingAfter }),
    });
  } catch (error) {
    // Stripe answers 400 or 404 for a cursor that is not one of this customer's invoices.
    const cursorRefused =
      error instanceof Stripe.errors.StripeInvalidRequestError &&
      (error.param === 'starting_after' || (isMissingResource(error) && error.param !== 'customer'));
    if (startingAfter && cursorRefused) {
      throw new TRPCError({ ...BILLING_ERROR_CODES.INVALID_STARTING_AFTER, cause: error });
    }
    if (isMissingResource(error) && error.param === 'customer') return null;
    throw toBillingError(error);
  }
}
