import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCatalog } from './catalog';
import { startStripeEmulator } from './emulator';
import { parseFaultSpec } from './faults';

const USAGE = `Usage: stripe-emulator [options]

  --port <n>              Port to listen on (default 12111; 0 = any free port)
  --host <host>           Interface to bind (default 127.0.0.1)
  --public-url <url>      Base URL for hosted checkout/portal links (default http://host:port)
  --webhook-url <url>     Endpoint that receives signed events (repeatable)
  --webhook-secret <s>    Signing secret, whsec_… (default: generated)
  --catalog <file.json>   Products and prices to seed instead of the default catalog
  --data-dir <dir>        Keep state (objects, events, key, webhook secret) in <dir>/stripe-emulator.json
                          across restarts; delete that file to start clean
  --latency <ms>          Delay added to every API response
  --fault <spec>          Inject failures, e.g. kind=503,rate=0.1,endpoint=POST /v1/customers (repeatable)
  --log                   Log every request
  --allow-production      Start even when NODE_ENV=production
  --help                  Show this help
`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    // `pnpm start -- --port 1` forwards the separator itself.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      'webhook-url': { type: 'string', multiple: true },
      'webhook-secret': { type: 'string' },
      catalog: { type: 'string' },
      'data-dir': { type: 'string' },
      latency: { type: 'string' },
      fault: { type: 'string', multiple: true },
      log: { type: 'boolean' },
      'allow-production': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  const emulator = await startStripeEmulator({
    port: values.port === undefined ? 12111 : integer(values.port, '--port'),
    ...(values.host ? { host: values.host } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['webhook-secret'] ? { webhookSecret: values['webhook-secret'] } : {}),
    webhookEndpoints: values['webhook-url'] ?? [],
    ...(values.catalog ? { catalog: parseCatalog(JSON.parse(readFileSync(values.catalog, 'utf8'))) } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    latencyMs: values.latency === undefined ? 0 : integer(values.latency, '--latency'),
    faults: (values.fault ?? []).map(parseFaultSpec),
    logger: values.log ?? false,
    allowProduction: values['allow-production'] ?? false,
  });

  process.stdout.write(
    [
      `Stripe emulator listening on ${emulator.url}`,
      '',
      `  STRIPE_SECRET_KEY=${emulator.secretKey}`,
      `  STRIPE_WEBHOOK_SECRET=${emulator.webhookSecret}`,
      `  SDK: new Stripe(key, { host: '${emulator.host}', port: ${emulator.port}, protocol: 'http' })`,
      `  Webhook endpoints: ${values['webhook-url']?.join(', ') || 'none (add one with POST /_emulator/webhook-endpoints)'}`,
      `  Control API: ${emulator.url}/_emulator/info`,
      '',
    ].join('\n'),
  );

  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function integer(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${flag} expects a non-negative integer, got "${value}".`);
  return parsed;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`stripe-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
