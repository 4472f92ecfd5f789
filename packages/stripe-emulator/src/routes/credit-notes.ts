import type { ApiRoutes } from '../api';
import { issueCreditNote } from '../billing/credit-notes';
import type { EmulatorContext } from '../context';
import { invalidParam, parameterMissing } from '../errors';
import { expand } from '../expand';
import { LIST_PARAMS, paginate } from '../list';
import type { CreditNoteReason } from '../objects/credit-note';
import { metadataParam, optionalInteger, optionalString, requiredString } from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

const REASONS: readonly CreditNoteReason[] = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'];

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  create: {
    supports: [
      'invoice',
      'amount',
      'credit_amount',
      'out_of_band_amount',
      'refund_amount',
      'reason',
      'memo',
      'metadata',
    ],
  },
  retrieve: { supports: [] },
  lines: { supports: LIST_PARAMS },
  list: { supports: [...LIST_PARAMS, 'customer', 'invoice'] },
} satisfies Record<string, RouteSpec>;

/** Credit notes on invoices (stripe/openapi `/v1/credit_notes`), created from `amount`. */
export function registerCreditNoteRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/v1/credit_notes', SUPPORTED.create, ({ params, origin, expand: paths }) => {
    const invoice = requireObject(store.invoices, 'invoice', requiredString(params, 'invoice'), 'invoice');
    const amount = optionalInteger(params, 'amount');
    if (amount === undefined) throw parameterMissing('amount');
    const reason = optionalString(params, 'reason');
    if (reason !== undefined && !(REASONS as readonly string[]).includes(reason)) {
      throw invalidParam('reason', `Invalid reason: must be one of ${REASONS.join(', ')}`);
    }
    const note = issueCreditNote(
      ctx,
      invoice,
      {
        amount,
        creditAmount: nonNegative(optionalInteger(params, 'credit_amount'), 'credit_amount'),
        outOfBandAmount: nonNegative(optionalInteger(params, 'out_of_band_amount'), 'out_of_band_amount'),
        refundAmount: nonNegative(optionalInteger(params, 'refund_amount'), 'refund_amount'),
        reason: (reason as CreditNoteReason | undefined) ?? null,
        memo: optionalString(params, 'memo') ?? null,
        metadata: metadataParam(params) ?? {},
      },
      origin,
    );
    return expand(ctx, note, paths);
  });

  api.get('/v1/credit_notes/:id', SUPPORTED.retrieve, ({ id, expand: paths }) =>
    expand(ctx, requireObject(store.creditNotes, 'credit_note', id), paths),
  );

  // The `url` every credit note's `lines` names; the emulator's notes are by amount, so it lists none.
  api.get('/v1/credit_notes/:id/lines', SUPPORTED.lines, ({ id, params, expand: paths }) => {
    const note = requireObject(store.creditNotes, 'credit_note', id);
    return expand(ctx, paginate(note.lines.data, params, note.lines.url), paths);
  });

  api.get('/v1/credit_notes', SUPPORTED.list, ({ params, expand: paths }) => {
    const customer = optionalString(params, 'customer');
    const invoice = optionalString(params, 'invoice');
    const notes = store.creditNotes
      .newestFirst()
      .filter(
        (note) =>
          (customer === undefined || note.customer === customer) && (invoice === undefined || note.invoice === invoice),
      );
    return expand(ctx, paginate(notes, params, '/v1/credit_notes'), paths);
  });
}

function nonNegative(value: number | undefined, param: string): number {
  if (value !== undefined && value < 0) {
    throw invalidParam(param, `${param} must be greater than or equal to 0.`, 'parameter_invalid_integer');
  }
  return value ?? 0;
}
