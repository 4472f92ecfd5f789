export * from './client';
export * from './errors';
export { applyMigrationsPostgres, migrationsFolder } from './migrate';
export * from './schema';
