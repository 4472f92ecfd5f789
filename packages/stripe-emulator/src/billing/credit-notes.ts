import type { EmulatorContext } from '../context';
import { invalidParam, invalidRequest } from '../errors';
import { changedAttributes, type EventOrigin } from '../events';
import { buildCreditNote, buildCreditNoteBalanceTransaction, type CreditNoteReason } from '../objects/credit-note';
import type { Metadata } from '../params';
import type { CreditNote, Invoice } from '../wire';

export interface CreditNoteRequest {
  amount: number;
  creditAmount: number;
  outOfBandAmount: number;
  refundAmount: number;
  reason: CreditNoteReason | null;
  memo: string | null;
  metadata: Metadata;
}

/**
 * `POST /v1/credit_notes` with `amount`, following Stripe's API reference ("Create a credit
 * note", API 2025+): the note first reduces what the invoice still asks for (`pre_payment_amount`,
 * never below zero); the rest (`post_payment_amount`) must be split exactly between
 * `refund_amount`, `credit_amount` (a credit to the customer balance, consumed by later invoices)
 * and `out_of_band_amount`. Refunds need charges, which the emulator does not model, so
 * `refund_amount` is refused. Events: `credit_note.created`, then `customer.updated` when the
 * balance moved.
 */
export function issueCreditNote(
  ctx: EmulatorContext,
  invoice: Invoice,
  request: CreditNoteRequest,
  origin: EventOrigin,
): CreditNote {
  if (invoice.status !== 'open' && invoice.status !== 'paid') {
    throw invalidRequest(
      `You can only create a credit note for an open or paid invoice. This invoice is ${invoice.status}.`,
      'invoice',
    );
  }
  if (request.amount < 1)
    throw invalidParam('amount', 'The amount must be greater than 0.', 'parameter_invalid_integer');
  const notes = ctx.store.creditNotes.all().filter((note) => note.invoice === invoice.id && note.status === 'issued');
  const credited = notes.reduce((sum, note) => sum + note.total, 0);
  if (request.amount > invoice.total - credited) {
    throw invalidRequest(
      `The credit note amount (${request.amount}) cannot exceed the invoice's remaining creditable amount (${invoice.total - credited}).`,
      'amount',
    );
  }
  if (request.refundAmount > 0) {
    throw invalidParam('refund_amount', 'The emulator does not model charges, so it cannot refund; use credit_amount.');
  }
  const prePaymentAmount = Math.min(request.amount, invoice.amount_remaining);
  const postPaymentAmount = request.amount - prePaymentAmount;
  const allocated = request.creditAmount + request.outOfBandAmount + request.refundAmount;
  if (allocated !== postPaymentAmount) {
    throw invalidRequest(
      `The sum of credit_amount, refund_amount and out_of_band_amount (${allocated}) must equal the credit note's post_payment_amount (${postPaymentAmount}).`,
    );
  }

  const now = ctx.clock.now();
  const note = ctx.store.creditNotes.insert(
    buildCreditNote({
      invoice,
      number: `${invoice.number ?? invoice.id}-CN-${String(notes.length + 1).padStart(2, '0')}`,
      amount: request.amount,
      prePaymentAmount,
      creditAmount: request.creditAmount,
      outOfBandAmount: request.outOfBandAmount,
      reason: request.reason,
      memo: request.memo,
      metadata: request.metadata,
      created: now,
    }),
  );
  invoice.pre_payment_credit_notes_amount += prePaymentAmount;
  invoice.post_payment_credit_notes_amount += postPaymentAmount;
  invoice.amount_remaining -= prePaymentAmount;
  invoice.amount_due -= prePaymentAmount;

  const customer = ctx.store.customers.get(typeof note.customer === 'string' ? note.customer : note.customer.id);
  const before = customer && structuredClone(customer);
  if (customer && request.creditAmount > 0) {
    customer.balance -= request.creditAmount;
    const transaction = ctx.store.customerBalanceTransactions.insert(
      buildCreditNoteBalanceTransaction(note, request.creditAmount, customer.balance, now),
    );
    note.customer_balance_transaction = transaction.id;
  }
  ctx.events.emit('credit_note.created', note, origin);
  if (customer && before) {
    const previous = changedAttributes(before, customer);
    if (Object.keys(previous).length > 0) ctx.events.emit('customer.updated', customer, origin, previous);
  }
  return note;
}
