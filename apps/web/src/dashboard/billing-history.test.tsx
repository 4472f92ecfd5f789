import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeResult } from '../test-helpers';
import { renderWithServer } from '../test-render';
import { BillingHistory, INVOICE_PAGE_SIZE, type Invoice } from './billing-history';
import { formatDate } from './subscription-summary';

/** `count` invoices, newest first, one a month back from March 2031. */
function invoices(count: number): Invoice[] {
  return Array.from({ length: count }, (_, index) => {
    const created = new Date(Date.UTC(2031, 2 - index, 15)).toISOString();
    return {
      id: `in_${count - index}`,
      number: `ABCD1234-${String(count - index).padStart(4, '0')}`,
      status: index === 0 ? 'open' : 'paid',
      amountDue: 2900,
      amountPaid: index === 0 ? 0 : 2900,
      currency: 'usd',
      created,
      periodStart: created,
      periodEnd: created,
      hostedInvoiceUrl: `https://invoice.example/i/in_${count - index}`,
      invoicePdf: `https://invoice.example/invoice/in_${count - index}/pdf`,
    };
  });
}

/** A server holding `all`, answering pages the way billing.invoices does. */
function serving(all: Invoice[]) {
  return vi.fn((input: unknown): FakeResult => {
    const { limit, startingAfter } = input as { limit: number; startingAfter?: string };
    const start = startingAfter === undefined ? 0 : all.findIndex((invoice) => invoice.id === startingAfter) + 1;
    return { data: { invoices: all.slice(start, start + limit), hasMore: start + limit < all.length } };
  });
}

const dataRows = () => screen.getAllByRole<HTMLTableRowElement>('row').slice(1);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('BillingHistory', () => {
  it('lists each invoice with its date, number, amount, status and links to its page and PDF', async () => {
    const [newest] = invoices(2);
    renderWithServer(<BillingHistory />, { 'billing.invoices': serving(invoices(2)) });
    await screen.findByRole('table');
    expect(dataRows()).toHaveLength(2);
    const row = within(dataRows()[0] as HTMLElement);
    expect(row.getByText(formatDate(newest?.created ?? ''))).toBeTruthy();
    expect(row.getByText('ABCD1234-0002')).toBeTruthy();
    expect(row.getByText('$29.00')).toBeTruthy();
    expect(row.getByText('open')).toBeTruthy();
    expect(row.getByRole('link', { name: 'View invoice ABCD1234-0002' }).getAttribute('href')).toBe(
      newest?.hostedInvoiceUrl,
    );
    expect(row.getByRole('link', { name: 'PDF of invoice ABCD1234-0002' }).getAttribute('href')).toBe(
      newest?.invoicePdf,
    );
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('shows more, a page at a time, after the last invoice shown, until there is no more', async () => {
    const all = invoices(INVOICE_PAGE_SIZE + 3);
    const handler = serving(all);
    renderWithServer(<BillingHistory />, { 'billing.invoices': handler });
    await screen.findByRole('table');
    expect(dataRows()).toHaveLength(INVOICE_PAGE_SIZE);

    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await screen.findByText(all.at(-1)?.number ?? '');
    expect(dataRows()).toHaveLength(all.length);
    expect(dataRows().map((row) => row.querySelector('.invoice-number')?.textContent)).toEqual(
      all.map((invoice) => invoice.number),
    );
    expect(handler).toHaveBeenLastCalledWith({
      limit: INVOICE_PAGE_SIZE,
      startingAfter: all[INVOICE_PAGE_SIZE - 1]?.id,
    });
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('says when there are no invoices yet', async () => {
    renderWithServer(<BillingHistory />, { 'billing.invoices': serving([]) });
    expect(await screen.findByText('No invoices yet.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it("shows the server's message when the invoices cannot be read", async () => {
    renderWithServer(<BillingHistory />, {
      'billing.invoices': () => ({ error: 'INTERNAL_SERVER_ERROR', message: 'The payment provider is unavailable.' }),
    });
    expect((await screen.findByRole('alert')).textContent).toBe('The payment provider is unavailable.');
  });
});
