import { authRouter } from '@subkit/auth';
import { billingRouter } from '@subkit/billing';
import { createCallerFactory, createTRPCRouter } from '@subkit/trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  billing: billingRouter,
});

/** The web app imports this type (and only this) to get end-to-end typed hooks. */
export type AppRouter = typeof appRouter;

/** Calls procedures in-process: the REST adapter uses it so REST and tRPC share one code path. */
export const createCaller = createCallerFactory(appRouter);
