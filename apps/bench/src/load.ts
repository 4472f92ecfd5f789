import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Called for every request: returns headers/body that vary per request (tokens, signatures). */
  perRequest?: () => { headers?: Record<string, string>; body?: string };
  /** Stop after this many requests even if the duration has not passed (pools of one-use users). */
  maxRequests?: number;
  /**
   * Requests per second, sent evenly spaced whether or not earlier ones have answered (an open
   * loop, see runPacedLoad); unset: as fast as the server answers, on `connections` connections.
   */
  rate?: number;
  timeoutSec?: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p90: number; p99: number; p99_9: number; max: number; mean: number };
  /** A few non-2xx answers, to say what went wrong. */
  failures: string[];
}

/** autocannon 9's request options; @types/autocannon (7.9) lacks setupRequest and onResponse. */
interface CannonRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  setupRequest?: (request: CannonRequest) => CannonRequest;
  onResponse?: (status: number, body: string) => void;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.rate !== undefined) return runPacedLoad({ ...options, rate: options.rate });
  const failures: string[] = [];
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    timeout: options.timeoutSec ?? 30,
    ...(options.maxRequests !== undefined && {
      maxOverallRequests: Math.max(options.maxRequests, options.connections),
    }),
    requests: [
      {
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        ...(options.body !== undefined && { body: options.body }),
        ...(options.perRequest && {
          setupRequest: (request: CannonRequest) => {
            const extra = options.perRequest?.() ?? {};
            return {
              ...request,
              headers: { ...request.headers, ...extra.headers },
              ...(extra.body !== undefined && { body: extra.body }),
            };
          },
        }),
        onResponse: (status: number, body: string) => {
          if ((status < 200 || status >= 300) && failures.length < 5) failures.push(`${status} ${body.slice(0, 300)}`);
        },
      } satisfies CannonRequest as autocannon.Request,
    ],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const ok = result['2xx'];
  return {
    requests: result.requests.total,
    durationSec: elapsed,
    rps: ok / elapsed,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    failures,
  };
}

/**
 * One request every 1/rate s, each timed from its own send. autocannon's rate limit cannot give
 * this: each connection fires its share of a second back to back and then waits for the next
 * second, so a "100 req/s" run is a burst of 100 at the start of every second, and the latencies
 * measure the queue of that burst; its coordinated-omission correction (an expected interval of
 * ceil(1/rate) ms = 1 ms) then adds a synthetic sample for every millisecond of each slow answer.
 * A fixed-rate overhead figure needs requests that do not wait for each other.
 */
async function runPacedLoad(options: LoadOptions & { rate: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.url);
  const latencies: number[] = [];
  const failures: string[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  const send = () =>
    new Promise<void>((done) => {
      const extra = options.perRequest?.() ?? {};
      const body = extra.body ?? options.body;
      const started = process.hrtime.bigint();
      const outgoing = request(
        url,
        {
          agent,
          method: options.method ?? 'POST',
          headers: { 'content-type': 'application/json', ...options.headers, ...extra.headers },
          timeout: (options.timeoutSec ?? 30) * 1000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            } else {
              non2xx++;
              if (failures.length < 5) failures.push(`${status} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
            }
            done();
          });
        },
      );
      // node:http only reports a timeout; ending the request is up to us. It then fails with an
      // error, counted as the timeout it is.
      let timedOut = false;
      outgoing.on('timeout', () => {
        timedOut = true;
        outgoing.destroy();
      });
      outgoing.on('error', () => {
        if (timedOut) timeouts++;
        else errors++;
        done();
      });
      outgoing.end(body);
    });
  const total = Math.min(
    Math.round(options.rate * options.durationSec),
    options.maxRequests ?? Number.POSITIVE_INFINITY,
  );
  const intervalMs = 1000 / options.rate;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  while (sent < total) {
    // Sleep to the next slot on the schedule (not "interval after the last send"), so timer drift
    // does not lower the rate.
    const wait = started + sent * intervalMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sent++;
    pending.push(send());
  }
  await Promise.all(pending);
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requests: sent,
    durationSec: elapsed,
    rps: sorted.length / elapsed,
    ok: sorted.length,
    non2xx,
    errors,
    timeouts,
    latency: {
      p50: round(at(0.5)),
      p90: round(at(0.9)),
      p99: round(at(0.99)),
      p99_9: round(at(0.999)),
      max: round(sorted.at(-1) ?? 0),
      mean: round(sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1)),
    },
    failures,
  };
}
