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
  /** Requests per second over all connections; unset: as fast as the server answers. */
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
    ...(options.rate !== undefined && { overallRate: options.rate }),
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
