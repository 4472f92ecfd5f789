// `pnpm db:migrate`: applies migrations to DATABASE_URL, for deployments that migrate as a separate step.
import { applyMigrationsPostgres } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('db:migrate needs DATABASE_URL (PGlite migrates itself on start).');
  process.exit(1);
}
await applyMigrationsPostgres(url);
console.log('Migrations applied.');
