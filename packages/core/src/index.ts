export { TtlCache } from './cache';
export type { AppServices, Context, FeatureSettings, RequestInfo, RequestLogger, SessionUser } from './context';
export { CORE_ERROR_CODES, defineErrorCodes, type ErrorCode } from './error-codes';
export { databaseOutage, type PublicError, toPublicError } from './errors';
export type { Mailer, MailMessage } from './mailer';
export { isOriginAllowed } from './origins';
export {
  type RateLimitBucket,
  type RateLimitDecision,
  type RateLimiter,
  RetryAfter,
  retryAfterSeconds,
  tooManyRequests,
} from './rate-limit';
export type {
  DocumentedStatus,
  Example,
  Examples,
  RestRoute,
  RestRoutesOf,
} from './rest-route';
export { createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from './trpc';
