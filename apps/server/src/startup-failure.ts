import { errorChain, isDatabaseUnavailable, PgliteDataDirInUseError } from '@subkit/db';
import type { Config } from './config';

/**
 * The one line an operator needs when the server cannot start for a reason outside the code: the
 * database is unreachable, PGlite's directory is another process's, or a port is taken. Null for
 * anything else, which keeps its stack because it is a bug to report. Never prints the database
 * password.
 */
export function startupFailureMessage(error: unknown, config: Config): string | null {
  if (isDatabaseUnavailable(error) && config.database.url) {
    const { host } = new URL(config.database.url);
    return `Subkit could not start: the database at ${host} is unreachable (${reason(error)}); check DATABASE_URL and that Postgres is running.`;
  }
  const dataDirInUse = [...errorChain(error)].find((cause) => cause instanceof PgliteDataDirInUseError);
  if (dataDirInUse) return `Subkit could not start: ${dataDirInUse.message}`;
  const { code, port, address } = error as { code?: unknown; port?: unknown; address?: unknown };
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const setting =
      config.stripe.mode === 'emulator' && port === config.stripe.emulatorPort ? 'STRIPE_EMULATOR_PORT' : 'PORT';
    const where = `port ${String(port)}${typeof address === 'string' ? ` on ${address}` : ''}`;
    return code === 'EADDRINUSE'
      ? `Subkit could not start: ${where} is already in use; stop the other process or set ${setting}.`
      : `Subkit could not start: not allowed to listen on ${where}; choose another ${setting}.`;
  }
  return null;
}

/** The driver's code (ECONNREFUSED, CONNECT_TIMEOUT…) from the first error in the chain that has one. */
function reason(error: unknown): string {
  for (const current of errorChain(error)) {
    const { code } = current as Error & { code?: unknown };
    if (typeof code === 'string') return code;
    if (current instanceof AggregateError) return reason(current.errors[0]);
  }
  return 'no answer';
}
