// `pnpm db:migrate`: applies migrations to DATABASE_URL, for deployments that migrate as a separate step.
import { DotEnvError, loadDotEnv } from './dot-env';
import { applyMigrationsPostgres } from './migrate';

try {
  // The same `.env` the server reads, so DATABASE_URL set there is the database migrated here.
  loadDotEnv();
} catch (error) {
  if (!(error instanceof DotEnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('db:migrate needs DATABASE_URL, in the environment or .env (PGlite migrates itself on start).');
  process.exit(1);
}
const applied = await applyMigrationsPostgres(url);
console.log(applied.length === 0 ? 'Migrations: already up to date.' : `Migrations applied: ${applied.join(', ')}.`);
