export { TtlCache } from './cache';
export type { AppServices, Context, RequestInfo, SessionUser } from './context';
export { databaseOutage, type PublicError, SERVICE_UNAVAILABLE_MESSAGE, toPublicError } from './errors';
export {
  type RateLimitBucket,
  type RateLimitDecision,
  type RateLimiter,
  RetryAfter,
  retryAfterSeconds,
  tooManyRequests,
} from './rate-limit';
export { createCallerFactory, createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from './trpc';
