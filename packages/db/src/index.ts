export * from './batched-delete';
export * from './client';
export { DotEnvError, loadDotEnv } from './dot-env';
export * from './errors';
export * from './live-subscription';
export { applyMigrationsPostgres, migrationsFolder, pendingMigrations } from './migrate';
export { PgliteDataDirInUseError } from './pglite-lock';
export * from './prepared';
export * from './schema';
