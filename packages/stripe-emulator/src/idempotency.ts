import type { Clock } from './clock';
import { invalidRequest, StripeApiError } from './errors';

/** A finished API response, kept byte for byte so a replay is identical. */
export interface ApiResponse {
  status: number;
  body: string;
}

interface Entry {
  fingerprint: string;
  createdAt: number;
  requestId: string;
  /** Set once the first request succeeded. */
  response?: ApiResponse;
  /** Settles when the first request finishes, successfully or not. */
  settled: Promise<void>;
}

/** A key whose first request succeeded, as saved across restarts. */
export interface SavedIdempotencyKey {
  key: string;
  fingerprint: string;
  createdAt: number;
  requestId: string;
  response: ApiResponse;
}

export interface IdempotentResult {
  response: ApiResponse;
  /** The request whose result is being replayed, or undefined for a fresh execution. */
  replayOf?: string;
}

const MAX_KEY_LENGTH = 255;
const KEY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Stripe's Idempotency-Key semantics for POST requests.
 *
 * A request that arrives while another with the same key is still running is
 * queued behind it and then gets the replay, rather than a 409: the outcome is
 * the same for every caller (one object, identical bodies) however many
 * arrive at once, and it does not depend on the client retrying 409s in time.
 *
 * Only successful results are kept. Like Stripe, a request rejected by
 * validation saves nothing, so fixing the parameters and retrying with the
 * same key works; and a faulted request never gets this far.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** Keys with a result, oldest first (the order `forgetExpired` relies on); requests still running are left out. */
  saved(): SavedIdempotencyKey[] {
    const saved: SavedIdempotencyKey[] = [];
    for (const [key, { fingerprint, createdAt, requestId, response }] of this.entries) {
      if (response) saved.push({ key, fingerprint, createdAt, requestId, response });
    }
    return saved;
  }

  restore(saved: SavedIdempotencyKey[]): void {
    for (const { key, ...entry } of saved) this.entries.set(key, { ...entry, settled: Promise.resolve() });
  }

  async run(
    key: string,
    fingerprint: string,
    requestId: string,
    execute: () => Promise<ApiResponse>,
  ): Promise<IdempotentResult> {
    if (key.length > MAX_KEY_LENGTH) {
      throw invalidRequest(
        `Invalid idempotency key: it must be at most ${MAX_KEY_LENGTH} characters long.`,
        'Idempotency-Key',
      );
    }
    this.forgetExpired();
    for (;;) {
      const entry = this.entries.get(key);
      if (!entry) return { response: await this.executeFirst(key, fingerprint, requestId, execute) };
      if (entry.fingerprint !== fingerprint) {
        throw new StripeApiError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (entry.response) return { response: entry.response, replayOf: entry.requestId };
      await entry.settled;
    }
  }

  private async executeFirst(
    key: string,
    fingerprint: string,
    requestId: string,
    execute: () => Promise<ApiResponse>,
  ): Promise<ApiResponse> {
    let settle = () => {};
    const entry: Entry = {
      fingerprint,
      createdAt: this.clock.now(),
      requestId,
      settled: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    this.entries.set(key, entry);
    try {
      const response = await execute();
      if (response.status >= 200 && response.status < 300) entry.response = response;
      else this.entries.delete(key);
      return response;
    } catch (error) {
      this.entries.delete(key);
      throw error;
    } finally {
      settle();
    }
  }

  /**
   * Runs on every request, so it must not walk every key: a Map iterates in insertion order, which
   * is creation order (the clock only moves forward), so the sweep stops at the first key still
   * young. Walking them all made a long-running emulator slower with each request it had served.
   */
  private forgetExpired(): void {
    const cutoff = this.clock.now() - KEY_TTL_SECONDS;
    for (const [key, entry] of this.entries) {
      if (entry.createdAt >= cutoff) break;
      if (entry.response) this.entries.delete(key);
    }
  }
}
