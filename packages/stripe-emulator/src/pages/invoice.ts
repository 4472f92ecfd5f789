import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import type { Invoice } from '../wire';
import { escapeHtml, formatAmount, formatDate, sendErrorPage, sendPage } from './html';
import { type PdfLine, renderPdf } from './invoice-pdf';

/**
 * The hosted invoice page and its PDF. Like Stripe's, they need no API key (the URL is the
 * secret) and exist only once the invoice is finalized: a draft has neither.
 */
export function registerInvoicePages(app: FastifyInstance, ctx: EmulatorContext): void {
  const finalized = (id: string) => {
    const invoice = ctx.store.invoices.get(id);
    return invoice && invoice.status !== 'draft' && invoice.number ? { invoice, number: invoice.number } : undefined;
  };

  app.get<{ Params: { id: string } }>('/i/:id', (request, reply) => {
    const found = finalized(request.params.id);
    if (!found) return sendErrorPage(reply, 404, 'This invoice does not exist.');
    return sendPage(reply, 200, `Invoice ${found.number}`, renderInvoicePage(found.invoice, found.number));
  });

  app.get<{ Params: { id: string } }>('/invoice/:id/pdf', (request, reply) => {
    const found = finalized(request.params.id);
    if (!found) return sendErrorPage(reply, 404, 'This invoice does not exist.');
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="Invoice-${found.number}.pdf"`)
      .send(renderPdf(`Invoice ${found.number}`, pdfLines(found.invoice, found.number)));
  });
}

function summaryRows(invoice: Invoice): [string, string][] {
  const money = (amount: number) => formatAmount(amount, invoice.currency);
  return [
    ['Date', formatDate(invoice.created)],
    ['Period', `${formatDate(invoice.period_start)} – ${formatDate(invoice.period_end)}`],
    ['Status', invoice.status ?? ''],
    ['Total', money(invoice.total)],
    ['Amount due', money(invoice.amount_due)],
    ['Amount paid', money(invoice.amount_paid)],
  ];
}

function renderInvoicePage(invoice: Invoice, number: string): string {
  const lines = invoice.lines.data
    .map(
      (line) =>
        `<li><span>${escapeHtml(line.description ?? '')}</span> <strong>${escapeHtml(formatAmount(line.amount, line.currency))}</strong></li>`,
    )
    .join('\n');
  const rows = summaryRows(invoice)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('\n');
  const pdf = escapeHtml(invoice.invoice_pdf ?? '');
  return `<h1>Invoice ${escapeHtml(number)}</h1>
<p class="note">${escapeHtml(invoice.account_name ?? '')} · billed to ${escapeHtml(invoice.customer_email ?? '')}</p>
<p class="amount">${escapeHtml(formatAmount(invoice.total, invoice.currency))}</p>
<dl>
${rows}
</dl>
<ul>
${lines}
</ul>
<p class="actions"><a href="${pdf}">Download invoice (PDF)</a></p>`;
}

function pdfLines(invoice: Invoice, number: string): PdfLine[] {
  return [
    { text: `Invoice ${number}`, size: 20 },
    { text: `${invoice.account_name ?? ''}, billed to ${invoice.customer_email ?? ''}` },
    ...summaryRows(invoice).map(([label, value]) => ({ text: `${label}: ${value}` })),
    { text: 'Lines', size: 14 },
    ...invoice.lines.data.map((line) => ({
      text: `${line.description ?? ''}: ${formatAmount(line.amount, line.currency)}`,
    })),
    { text: `Total: ${formatAmount(invoice.total, invoice.currency)}`, size: 14 },
  ];
}
