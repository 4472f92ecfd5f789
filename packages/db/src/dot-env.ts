import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A `.env` file that exists but cannot be parsed or read; the message names the file. */
export class DotEnvError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path} could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DotEnvError';
  }
}

/**
 * A `.env` in the working directory, else at the repository root, fills in what the environment
 * leaves unset (the environment wins). The server and `pnpm db:migrate` both call this, so one file
 * configures both; it lives in the lowest package they share. The root is found through the package,
 * not this file's location, which the server's production bundle changes.
 */
export function loadDotEnv(): void {
  const repositoryRoot = join(dirname(fileURLToPath(import.meta.resolve('@subkit/db/package.json'))), '../..');
  const found = [resolve('.env'), join(repositoryRoot, '.env')].find((path) => existsSync(path));
  if (!found) return;
  try {
    process.loadEnvFile(found);
  } catch (error) {
    throw new DotEnvError(found, error);
  }
}
