import { useState } from 'react';
import { formatPrice } from '../pricing/format-price';
import { type RouterOutputs, trpc } from '../trpc';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { formatDate } from './subscription-summary';

export type Invoice = RouterOutputs['billing']['invoices']['invoices'][number];

export const INVOICE_PAGE_SIZE = 10;

/**
 * The user's invoices, newest first, a page at a time. Each page shown is its own query, keyed by
 * the cursor it starts after (the last invoice of the page before), so "Show more" keeps what is
 * already on screen and asks only for the next page.
 */
export function BillingHistory() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const pages = trpc.useQueries((t) =>
    cursors.map((startingAfter) =>
      t.billing.invoices({ limit: INVOICE_PAGE_SIZE, ...(startingAfter !== undefined && { startingAfter }) }),
    ),
  );
  const invoices = pages.flatMap((page) => page.data?.invoices ?? []);
  const lastPage = pages.at(-1);
  const failed = pages.find((page) => page.isError);
  const nextCursor = lastPage?.data?.hasMore ? lastPage.data.invoices.at(-1)?.id : undefined;

  // Not a live region: the dashboard announces its own status, and this is not news.
  if (pages[0]?.isPending) return <p>Loading invoices…</p>;
  return (
    <div className="stack">
      {invoices.length === 0 && !failed && <p>No invoices yet.</p>}
      {invoices.length > 0 && <InvoiceTable invoices={invoices} />}
      {failed && <ErrorMessage error={failed.error} />}
      {(nextCursor !== undefined || (lastPage?.isPending && cursors.length > 1)) && (
        <div className="actions">
          <Button
            variant="secondary"
            pending={lastPage?.isPending}
            pendingLabel="Loading…"
            onClick={() => setCursors((shown) => [...shown, nextCursor])}
          >
            Show more
          </Button>
        </div>
      )}
    </div>
  );
}

function InvoiceTable({ invoices }: { invoices: Invoice[] }) {
  return (
    // Four columns, the number under the date, so a phone shows every column; the box scrolls on
    // its own only if something longer than ours still does not fit, never widening the page.
    <div className="table-scroll">
      <table className="invoices">
        <thead>
          <tr>
            <th scope="col">Invoice</th>
            <th scope="col">Amount</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Links</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((invoice) => (
            <tr key={invoice.id}>
              <td>
                <time dateTime={invoice.created}>{formatDate(invoice.created)}</time>
                <span className="invoice-number">{invoice.number ?? '—'}</span>
              </td>
              <td>{formatPrice(invoice.amountDue, invoice.currency)}</td>
              <td>{invoice.status}</td>
              <td>
                <div className="invoice-links">
                  {invoice.hostedInvoiceUrl && (
                    <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noopener noreferrer">
                      View<span className="visually-hidden"> invoice {invoice.number}</span>
                    </a>
                  )}
                  {invoice.invoicePdf && (
                    <a href={invoice.invoicePdf} target="_blank" rel="noopener noreferrer">
                      PDF<span className="visually-hidden"> of invoice {invoice.number}</span>
                    </a>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
