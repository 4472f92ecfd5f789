import { BILLING_ERROR_CODES, entitledProcedure } from '@subkit/billing';
import { CORE_ERROR_CODES, createTRPCRouter, type RestRoutesOf } from '@subkit/core';
import { z } from 'zod';

/**
 * The pattern to copy for a feature of your own that only some plans include. The feature is a
 * marketing feature of the plan's Stripe product (here the emulator's Pro plan has it, Starter does
 * not); `entitledProcedure` answers 403 to anyone else, on tRPC and on the REST twin alike.
 */
export const REPORT_EXPORT_FEATURE = 'Report export';

export const reportExportOutput = z.object({
  filename: z.string().meta({ examples: ['subscription-report.csv'] }),
  csv: z.string().meta({ description: 'The report as CSV, header first' }),
});

export const reportsRouter = createTRPCRouter({
  /** A report of the caller's plan: a stand-in for whatever your gated feature does. */
  export: entitledProcedure(REPORT_EXPORT_FEATURE)
    .output(reportExportOutput)
    .query(({ ctx }) => ({
      filename: 'subscription-report.csv',
      csv: ['feature', ...ctx.entitlements.features].join('\n'),
    })),
});

export const reportsRestRoutes = {
  export: {
    method: 'GET',
    url: '/api/reports/export',
    output: reportExportOutput,
    docs: {
      tag: 'Example',
      summary: 'Export a report (Pro plan only)',
      description: [
        `An example of a gated feature: subscribers whose plan includes "${REPORT_EXPORT_FEATURE}" get a CSV of their`,
        "plan's features; a caller without a subscription, or on a plan without the feature, gets 403.",
        'Copy `packages/api/src/example/` to gate your own procedures.',
      ].join('\n'),
      auth: true,
      errors: [401, 403, 502, 503],
      examples: {
        responses: {
          200: {
            report: {
              value: { filename: 'subscription-report.csv', csv: 'feature\nUnlimited projects\nReport export' },
            },
          },
          401: { unauthorized: { value: CORE_ERROR_CODES.UNAUTHENTICATED } },
          403: {
            notSubscribed: { value: BILLING_ERROR_CODES.SUBSCRIPTION_REQUIRED },
            notIncluded: { value: BILLING_ERROR_CODES.FEATURE_NOT_INCLUDED(REPORT_EXPORT_FEATURE) },
          },
        },
      },
    },
  },
} satisfies RestRoutesOf<typeof reportsRouter>;
