import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from './config';

const CENSOR = '[redacted]';

/**
 * Fields that hold a credential wherever a log call puts them: headers, bodies, error details.
 * pino's wildcard covers one level, so the common nestings are listed.
 */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  '"set-cookie"',
  '"stripe-signature"',
  'password',
  'token',
  'secretKey',
  'webhookSecret',
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `req.headers.${field}`,
  `res.headers.${field}`,
]);

/**
 * Stripe keys and signing secrets have a recognisable shape, so they are scrubbed from every line
 * as written, wherever they hide: a message, an error's text, a URL. Publishable keys are public.
 */
const STRIPE_SECRET = /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9_]+|\bwhsec_[A-Za-z0-9+/=_-]+/g;

export function scrubSecrets(line: string): string {
  return line.replace(STRIPE_SECRET, CENSOR);
}

/**
 * The server's pino settings: JSON lines (pretty under `dev` in a terminal), the request id on
 * every request line (Fastify's `reqId`), and secrets redacted. Tests pass a destination to read
 * what was logged.
 *
 * JSON lines go to stdout through pino's asynchronous destination: a request hands its lines over
 * and goes on, instead of waiting in `write(2)` on every line, which blocks the event loop whenever
 * whatever reads stdout (a pipe to a log collector, `pnpm`, a terminal) is slower than the server
 * (docs/performance.md, "Measure what users run"). pino flushes it synchronously on exit, so the
 * lines written just before a shutdown are kept (test: observability.test.ts).
 */
type LoggerSettings = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logPretty'>,
  destination?: LoggerSettings['stream'],
): LoggerSettings {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    hooks: { streamWrite: scrubSecrets },
    ...(destination
      ? { stream: destination }
      : config.logPretty
        ? {
            transport: {
              // An absolute path: pino resolves a bare name from its own directory, where pino-pretty is not.
              target: createRequire(import.meta.url).resolve('pino-pretty'),
              options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
            },
          }
        : { stream: pino.destination({ dest: 1, sync: false }) }),
  };
}
