/**
 * The tRPC building blocks every feature package uses. Kept tiny on purpose: features own their
 * routers; this file owns only what must be the same everywhere.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context';
import { CORE_ERROR_CODES } from './error-codes';
import { databaseOutage, toPublicError } from './errors';
import { type RateLimitBucket, tooManyRequests } from './rate-limit';

/**
 * 1. INITIALIZATION
 *
 * No transformer: REST callers and non-TypeScript clients read the same JSON, so outputs use
 * plain JSON types (dates as ISO strings).
 */
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const publicError = toPublicError(error);
    return {
      ...shape,
      message: publicError.message,
      data: { ...shape.data, issues: publicError.issues ?? null, stack: undefined },
    };
  },
});

/**
 * 2. ROUTER
 */
export const createTRPCRouter = t.router;

/**
 * 3. PROCEDURES
 *
 * Every procedure answers a database outage as 503 with Retry-After, whichever query hit it.
 * `protectedProcedure` is the only gate for signed-in routes: the transport resolves the bearer
 * token into `ctx.session`, and this refuses the call when there is none.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const outage = databaseOutage(result.error);
    if (outage) throw outage;
  }
  return result;
});

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    throw new TRPCError(CORE_ERROR_CODES.UNAUTHENTICATED);
  }
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * 4. ABUSE LIMITS
 *
 * Limits live on procedures, not HTTP routes: tRPC batches several procedures into one request,
 * and a per-user limit needs the session, which only the context has. REST and tRPC calls of a
 * procedure therefore count against the same budget.
 */
export const rateLimit = (bucket: RateLimitBucket, keyOf: (ctx: Context) => string) =>
  t.middleware(async ({ ctx, next }) => {
    const decision = await ctx.rateLimiter.consume(bucket, keyOf(ctx));
    if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
    return next();
  });
