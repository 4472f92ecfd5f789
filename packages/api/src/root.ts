import { authRouter } from '@subkit/auth';
import { billingRouter } from '@subkit/billing';
import { createTRPCRouter } from '@subkit/core';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  billing: billingRouter,
});

/** The web app imports this type (and only this) to get end-to-end typed hooks. */
export type AppRouter = typeof appRouter;
