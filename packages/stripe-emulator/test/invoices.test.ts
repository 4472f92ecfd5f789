import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, eventsSince, latestEventId, subscribe } from './helpers';

const t = emulatorForFile();
const run = promisify(execFile);

/** poppler-utils' renderer, when the machine has it: a PDF it renders is one a viewer opens. */
async function pdftoppmInstalled(): Promise<boolean> {
  try {
    await run('pdftoppm', ['-v']);
    return true;
  } catch {
    return false;
  }
}

async function paidInvoice() {
  const subscription = await subscribe(t);
  return t.stripe.invoices.retrieve(subscription.latest_invoice as string);
}

describe('invoices', () => {
  it('numbers a finalized invoice with the customer prefix and sequence, and links its page and PDF', async () => {
    const invoice = await paidInvoice();
    const customer = await t.stripe.customers.retrieve(invoice.customer as string);
    if (customer.deleted) throw new Error('the customer was deleted');
    expect(invoice.status).toBe('paid');
    expect(invoice.number).toBe(`${customer.invoice_prefix}-0001`);
    expect(customer.next_invoice_sequence).toBe(2);
    expect(invoice.hosted_invoice_url).toBe(`${t.emulator.url}/i/${invoice.id}`);
    expect(invoice.invoice_pdf).toBe(`${t.emulator.url}/invoice/${invoice.id}/pdf`);
    const [listed] = (await t.stripe.invoices.list({ customer: customer.id })).data;
    expect(listed).toMatchObject({ id: invoice.id, hosted_invoice_url: invoice.hosted_invoice_url });
  });

  it("refuses a customer filter naming a customer it never had, and keeps a deleted one's invoices listable", async () => {
    for (const list of [
      () => t.stripe.invoices.list({ customer: 'cus_NeverExisted1' }),
      () => t.stripe.subscriptions.list({ customer: 'cus_NeverExisted1' }),
    ]) {
      await expect(list()).rejects.toMatchObject({
        statusCode: 400,
        code: 'resource_missing',
        param: 'customer',
        message: "No such customer: 'cus_NeverExisted1'",
      });
    }
    const invoice = await paidInvoice();
    await t.stripe.customers.del(invoice.customer as string);
    const listed = await t.stripe.invoices.list({ customer: invoice.customer as string });
    expect(listed.data.map(({ id }) => id)).toEqual([invoice.id]);
  });

  it('serves the hosted invoice page as HTML, without an API key', async () => {
    const invoice = await paidInvoice();
    const page = await fetch(invoice.hosted_invoice_url ?? '');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`Invoice ${invoice.number}`);
    expect(html).toContain('$29.00');
    expect(html).toContain(`href="${invoice.invoice_pdf}"`);
  });

  it('serves a PDF that starts with %PDF- and renders', async () => {
    const invoice = await paidInvoice();
    const response = await fetch(invoice.invoice_pdf ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
    // Every xref offset points at its object: a broken table is what makes viewers repair or refuse a file.
    const text = pdf.toString('latin1');
    const startxref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n\r$/gm)].map((match) => Number(match[1]));
    expect(entries).toHaveLength(6);
    entries.forEach((offset, index) => {
      expect(text.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`);
    });
    expect(text).toContain(`(Invoice ${invoice.number})`);

    if (!(await pdftoppmInstalled())) return;
    const dir = await mkdtemp(join(tmpdir(), 'invoice-pdf-'));
    try {
      await writeFile(join(dir, 'invoice.pdf'), pdf);
      const { stderr } = await run('pdftoppm', ['-png', '-r', '30', '-singlefile', 'invoice.pdf', 'page'], {
        cwd: dir,
      });
      expect(stderr).toBe('');
      const png = await readFile(join(dir, 'page.png'));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has no page or PDF for an invoice that does not exist', async () => {
    expect((await fetch(`${t.emulator.url}/i/in_missing`)).status).toBe(404);
    expect((await fetch(`${t.emulator.url}/invoice/in_missing/pdf`)).status).toBe(404);
  });
});

describe('POST /v1/invoices/:id', () => {
  it('merges metadata into a paid invoice with invoice.updated, and refuses what it does not act on', async () => {
    const subscription = await subscribe(t);
    const invoiceId = subscription.latest_invoice as string;
    const marker = await latestEventId(t.stripe);
    const updated = await t.stripe.invoices.update(invoiceId, { metadata: { order_id: '6735' } });
    expect(updated).toMatchObject({ id: invoiceId, status: 'paid', metadata: { order_id: '6735' } });
    const events = await eventsSince(t.stripe, marker);
    expect(events.map((event) => event.type)).toEqual(['invoice.updated']);
    expect(events[0]?.data.previous_attributes).toEqual({ metadata: {} });
    await expect(t.stripe.invoices.update(invoiceId, { description: 'Thanks' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'emulator_parameter_unsupported',
      param: 'description',
    });
  });
});
