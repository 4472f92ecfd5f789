export * from './client';
export * from './errors';
export { applyMigrationsPostgres, migrationsFolder, pendingMigrations } from './migrate';
export * from './schema';
