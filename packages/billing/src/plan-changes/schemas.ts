import { requestBodyError } from '@subkit/core/request-body';
import { z } from 'zod';
import { priceIdField } from '../checkout/schemas';

const priceId = priceIdField.meta({
  description: 'A price on offer (see billing.plans)',
  examples: ['price_pro_yearly'],
});

/** `billing.previewPlanChange` · POST /api/billing/subscription/preview */
export const previewPlanChangeInput = z.strictObject({ priceId }, { error: requestBodyError });

export const previewPlanChangeOutput = z.object({
  priceId: z.string().meta({ examples: ['price_pro_yearly'] }),
  effective: z.enum(['now', 'period_end']).meta({
    description: '`now` for an upgrade (prorated, invoiced at once), `period_end` for a downgrade',
  }),
  amountDue: z
    .number()
    .int()
    .meta({
      description:
        "Charged now, in the currency's smallest unit: Stripe's invoice preview with its proration lines (0 for a downgrade)",
      examples: [1937],
    }),
  currency: z.string().meta({ examples: ['usd'] }),
  nextInvoiceAmount: z
    .number()
    .int()
    .meta({
      description:
        "The first regular invoice at the new price, after the subscription's running discounts, smallest unit",
      examples: [29000],
    }),
  nextInvoiceAt: z.string().meta({ description: 'ISO 8601 time of that invoice' }),
});
export type PreviewPlanChangeOutput = z.infer<typeof previewPlanChangeOutput>;

/** `billing.changePlan` · POST /api/billing/subscription/change */
export const changePlanInput = z.strictObject({ priceId }, { error: requestBodyError });
