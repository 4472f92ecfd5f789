import { DotEnvError, loadDotEnv } from '@subkit/db';
import type { Logger } from 'pino';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startupFailureMessage } from './startup-failure';

function readConfig() {
  try {
    // Tests never read .env: they call loadConfig with their own env.
    loadDotEnv();
    return loadConfig();
  } catch (caught) {
    const error = caught instanceof DotEnvError ? new ConfigError([caught.message]) : caught;
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config = readConfig();

/** An operator's problem (database down, port taken) is one readable line and exit 1, not a stack. */
function exitOnStartupFailure(error: unknown): never {
  const message = startupFailureMessage(error, config);
  if (message === null) throw error;
  console.error(message);
  process.exit(1);
}

const app = await buildApp({ config }).catch(exitOnStartupFailure);

// Ctrl-C reaches this process twice under `pnpm dev` (from the terminal, and relayed by tsx watch):
// the handler stays installed so a repeat is ignored instead of killing a server that is closing.
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.close();
    // The log's last line. pino writes stdout asynchronously (logging.ts): exit once what it holds
    // is written, since a flush left to the exit hook can lose a write still in flight.
    app.log.info({ signal }, 'shut down');
    // Fastify's logger is the pino logger logging.ts configured; its type leaves out flush.
    (app.log as Logger).flush(() => process.exit(0));
  });
}

await app.listen({ host: config.host, port: config.port }).catch(exitOnStartupFailure);
