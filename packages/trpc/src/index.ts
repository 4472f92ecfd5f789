export { TtlCache } from './cache';
export type { AppServices, Context, RequestInfo, SessionUser } from './context';
export { type PublicError, toPublicError } from './errors';
export {
  type RateLimitBucket,
  type RateLimitDecision,
  type RateLimiter,
  RetryAfter,
  retryAfterSeconds,
  tooManyRequests,
} from './rate-limit';
export { createCallerFactory, createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from './trpc';
