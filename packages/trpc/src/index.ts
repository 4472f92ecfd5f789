export { TtlCache } from './cache';
export type { AppServices, Context, RequestInfo, SessionUser } from './context';
export { type PublicError, toPublicError } from './errors';
export { createCallerFactory, createTRPCRouter, protectedProcedure, publicProcedure } from './trpc';
