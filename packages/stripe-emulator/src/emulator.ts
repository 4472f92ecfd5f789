import { STRIPE_API_VERSION } from '@subkit/stripe-api-version';
import { advanceClock } from './billing/advance-clock';
import { type CatalogEntry, DEFAULT_CATALOG } from './catalog';
import { Clock } from './clock';
import type { EmulatorContext } from './context';
import { EventLog } from './events';
import { type FaultRule, parseFaultRules } from './faults';
import { IdempotencyCache } from './idempotency';
import { newSecretKey, newWebhookSecret } from './ids';
import { deliveryOptions, type EmulatorControls } from './routes/control';
import { buildServer } from './server';
import { readState, StateFile, stateFilePath } from './state-file';
import { RequestStats } from './stats';
import { Store } from './store';
import { DEFAULT_DELIVERY, type DeliveryOptions, WebhookDispatcher } from './webhooks/deliver';
import { registeredWebhookEndpoints } from './webhooks/endpoints';

export interface StripeEmulatorOptions {
  /** Default 12111; 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base URL used in hosted page links (checkout `url`, portal `url`); default `http://{host}:{port}`. */
  publicUrl?: string;
  /** Secret that signs webhooks; default a generated `whsec_…`. */
  webhookSecret?: string;
  /** URLs that receive signed events. */
  webhookEndpoints?: string[];
  /** Products and prices to seed; default the catalog in `DEFAULT_CATALOG`. */
  catalog?: CatalogEntry[];
  /** Added to every API response, in milliseconds. */
  latencyMs?: number;
  faults?: FaultRule[];
  delivery?: Partial<DeliveryOptions>;
  /** Fastify request logging. */
  logger?: boolean;
  /** The emulator refuses to start with NODE_ENV=production unless this is true. */
  allowProduction?: boolean;
  /**
   * A directory where the emulator keeps its state (objects, events, clock, idempotency keys, API
   * key and webhook secret) across restarts, in `stripe-emulator.json`: read at start if it exists,
   * saved shortly after each change and on close; created if missing. Unset: state lives in memory
   * only. `webhookSecret` wins over a saved one. Delete the file to start clean.
   */
  dataDir?: string;
}

export interface StripeEmulator extends EmulatorControls {
  /** e.g. `http://127.0.0.1:12111` */
  url: string;
  port: number;
  host: string;
  /** A valid `sk_test_…` key for this emulator (any `sk_test_` key is accepted). */
  secretKey: string;
  webhookSecret: string;
  close(): Promise<void>;
}

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  if (process.env.NODE_ENV === 'production' && !options.allowProduction) {
    throw new Error(
      'Refusing to start the Stripe emulator with NODE_ENV=production: it accepts any test key and fakes every payment. ' +
        'Pass allowProduction: true (CLI: --allow-production) if this really is what you want.',
    );
  }
  const host = options.host ?? '127.0.0.1';
  const statePath = options.dataDir === undefined ? undefined : stateFilePath(options.dataDir);
  const saved = statePath ? await readState(statePath) : undefined;
  const clock = new Clock(saved?.clockOffsetSeconds);
  const store = new Store();
  // A restored store already holds the catalog, including any edits made to it since.
  if (saved) store.restore(saved.store);
  else store.seed(options.catalog ?? DEFAULT_CATALOG, clock.now());
  const secretKey = saved?.secretKey ?? newSecretKey();
  const webhookSecret = options.webhookSecret ?? saved?.webhookSecret ?? newWebhookSecret();
  const idempotency = new IdempotencyCache(clock);
  if (saved) idempotency.restore(saved.idempotencyKeys);
  const stateFile =
    statePath === undefined
      ? undefined
      : new StateFile(statePath, () => ({
          secretKey,
          webhookSecret,
          clockOffsetSeconds: clock.offset,
          store: store.snapshot(),
          idempotencyKeys: idempotency.saved(),
        }));
  const delivery = { ...DEFAULT_DELIVERY, ...deliveryOptions({ ...options.delivery }) };
  const webhooks = new WebhookDispatcher(
    webhookSecret,
    delivery,
    (eventId) => {
      const event = store.events.get(eventId);
      if (event && event.pending_webhooks > 0) event.pending_webhooks--;
      stateFile?.changed();
    },
    () => registeredWebhookEndpoints(store),
  );
  for (const url of options.webhookEndpoints ?? []) webhooks.addEndpoint(url);

  // Both are known only once the server listens (port 0 picks one).
  let apiUrl = '';
  let publicUrl = '';
  const ctx: EmulatorContext = {
    store,
    clock,
    events: new EventLog(store, clock, STRIPE_API_VERSION, webhooks),
    idempotency,
    stats: new RequestStats(),
    settings: { latencyMs: options.latencyMs ?? 0, faults: parseFaultRules(options.faults ?? []) },
    // Like an account whose default version (and webhook endpoints' version) is the one the product pins.
    apiVersion: STRIPE_API_VERSION,
    publicUrl: () => publicUrl,
  };

  const controls: EmulatorControls = {
    stats: () => ctx.stats.snapshot(),
    resetStats: () => ctx.stats.reset(),
    setLatency: (ms) => {
      ctx.settings.latencyMs = Math.max(0, ms);
    },
    setFaults: (rules) => {
      ctx.settings.faults = parseFaultRules(rules);
    },
    setDelivery: (delivery) => webhooks.setOptions(deliveryOptions({ ...delivery })),
    advanceClock: async (seconds) => advanceClock(ctx, seconds),
    addWebhookEndpoint: (endpoint) => webhooks.addEndpoint(endpoint),
    flushWebhooks: () => webhooks.flush(),
    webhookDeliveries: () => webhooks.log(),
    now: () => clock.now(),
  };

  const app = buildServer(ctx, controls, options.logger ?? false, () => ({
    url: apiUrl,
    publicUrl,
    secretKey,
    webhookSecret,
    webhookEndpoints: webhooks.endpoints(),
    now: clock.now(),
  }));
  if (stateFile) {
    // Reads change nothing; every other request (API, test helper, hosted page, control) may.
    app.addHook('onResponse', async (request) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') stateFile.changed();
    });
  }
  await app.listen({ port: options.port ?? 12111, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The emulator is not listening on a TCP port.');
  const { port } = address;
  apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  publicUrl = (options.publicUrl ?? apiUrl).replace(/\/$/, '');

  // Wall-clock time passes too: let sessions expire and subscriptions renew in a long-running emulator.
  const tick = setInterval(() => {
    advanceClock(ctx, 0);
    stateFile?.changed();
  }, 60_000);
  tick.unref();

  let closing: Promise<void> | undefined;
  return {
    ...controls,
    url: apiUrl,
    port,
    host,
    secretKey,
    webhookSecret,
    close: () => {
      // Safe to call twice: the second caller waits for the first shutdown.
      closing ??= (async () => {
        clearInterval(tick);
        webhooks.close();
        await app.close();
        await stateFile?.flush();
      })();
      return closing;
    },
  };
}
