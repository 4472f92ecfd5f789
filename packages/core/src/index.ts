export { TtlCache } from './cache';
export type { AppServices, Context, FeatureSettings, RequestInfo, SessionUser } from './context';
export { databaseOutage, type PublicError, SERVICE_UNAVAILABLE_MESSAGE, toPublicError } from './errors';
export {
  type RateLimitBucket,
  type RateLimitDecision,
  type RateLimiter,
  RetryAfter,
  retryAfterSeconds,
  tooManyRequests,
} from './rate-limit';
export {
  type DocumentedStatus,
  type Example,
  type Examples,
  type RestRoute,
  type RestRoutesOf,
  unauthenticatedExample,
} from './rest-route';
export { createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from './trpc';
