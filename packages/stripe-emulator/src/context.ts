import type { Clock } from './clock';
import type { EventLog } from './events';
import type { FaultRule } from './faults';
import type { IdempotencyCache } from './idempotency';
import type { RequestStats } from './stats';
import type { Store } from './store';

/** Everything a route, page or lifecycle step needs; one per running emulator. */
export interface EmulatorContext {
  store: Store;
  clock: Clock;
  events: EventLog;
  idempotency: IdempotencyCache;
  stats: RequestStats;
  /** Settings tests change at run time. */
  settings: { latencyMs: number; faults: FaultRule[] };
  apiVersion: string;
  /** Base URL of the hosted pages; a function because port 0 is only resolved once the server listens. */
  publicUrl(): string;
}
