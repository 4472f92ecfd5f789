import { authRouter } from '@subkit/auth';
import { billingRouter } from '@subkit/billing';
import { createTRPCRouter } from '@subkit/core';
import { reportsRouter } from './example/reports-router';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  billing: billingRouter,
  /** An example of a feature gated on the plan (`entitledProcedure`), the pattern teams copy. */
  reports: reportsRouter,
});

/** The web app imports this type (and only this) to get end-to-end typed hooks. */
export type AppRouter = typeof appRouter;
