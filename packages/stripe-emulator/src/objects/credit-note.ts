import { newId } from '../ids';
import type { Metadata } from '../params';
import type { CreditNote, CustomerBalanceTransaction, Invoice } from '../wire';

export type CreditNoteReason = NonNullable<CreditNote['reason']>;

export interface CreditNoteInput {
  invoice: Invoice;
  /** `<invoice number>-CN-<nn>`, Stripe's numbering of an invoice's credit notes. */
  number: string;
  amount: number;
  /** The part that reduced what the invoice still asked for; the rest is post-payment. */
  prePaymentAmount: number;
  creditAmount: number;
  outOfBandAmount: number;
  reason: CreditNoteReason | null;
  memo: string | null;
  metadata: Metadata;
  created: number;
}

/** A credit note as Stripe returns it (`fixtures3.json` `credit_note`, API 2025+ field set). */
export function buildCreditNote(input: CreditNoteInput): CreditNote {
  const id = newId('cn');
  const { invoice, amount } = input;
  return {
    id,
    object: 'credit_note',
    amount,
    amount_shipping: 0,
    created: input.created,
    currency: invoice.currency,
    customer: typeof invoice.customer === 'string' ? invoice.customer : (invoice.customer?.id ?? ''),
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: input.created,
    invoice: invoice.id,
    // Created from `amount` alone, the note credits no particular invoice line.
    lines: { object: 'list', data: [], has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: input.memo,
    metadata: input.metadata,
    number: input.number,
    out_of_band_amount: input.outOfBandAmount || null,
    pdf: `https://pay.stripe.com/credit_notes/${id}/pdf`,
    post_payment_amount: amount - input.prePaymentAmount,
    pre_payment_amount: input.prePaymentAmount,
    pretax_credit_amounts: [],
    reason: input.reason,
    refunds: [],
    shipping_cost: null,
    status: 'issued',
    subtotal: amount,
    subtotal_excluding_tax: amount,
    total: amount,
    total_excluding_tax: amount,
    total_taxes: [],
    type: input.prePaymentAmount === amount ? 'pre_payment' : 'post_payment',
    voided_at: null,
  };
}

export function buildCreditNoteBalanceTransaction(
  note: CreditNote,
  creditAmount: number,
  endingBalance: number,
  created: number,
): CustomerBalanceTransaction {
  return {
    id: newId('cbtxn'),
    object: 'customer_balance_transaction',
    // Negative: a credit, which the customer's next invoices consume.
    amount: -creditAmount,
    checkout_session: null,
    created,
    credit_note: note.id,
    currency: note.currency,
    customer: typeof note.customer === 'string' ? note.customer : note.customer.id,
    customer_account: null,
    description: null,
    ending_balance: endingBalance,
    invoice: null,
    livemode: false,
    metadata: null,
    type: 'credit_note',
  };
}
