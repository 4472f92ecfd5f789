export { ACCOUNT_TOKEN_TTL_MS, deleteExpiredAccountTokens } from './account-tokens';
export { AUTH_ERROR_CODES } from './error-codes';
export { authRestRoutes } from './rest-routes';
export { authRouter } from './router';
export * from './schemas';
export { type AuthDeps, deleteExpiredSessions, resolveSession, signIn, signOut, signUp } from './service';
export type { AuthSettings } from './settings';
export { hashSessionToken, SESSION_TTL_MS } from './tokens';
