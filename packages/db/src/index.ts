export * from './batched-delete';
export * from './client';
export * from './errors';
export { applyMigrationsPostgres, migrationsFolder, pendingMigrations } from './migrate';
export * from './prepared';
export * from './schema';
