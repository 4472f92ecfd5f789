/**
 * Injected failures for hardening tests. A fault is decided before the
 * request is processed and a faulted request is never applied, so a client
 * that retries with the same Idempotency-Key is safe, exactly as with Stripe.
 */
export const FAULT_KINDS = ['latency', '409', '500', '502', '503', '429', '429-retry', 'reset', 'timeout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /** `"POST /v1/customers"`, a route pattern such as `"GET /v1/prices/:id"`, or `"*"` (the default) for every API request. */
  endpoint?: string;
  /** Probability, 0..1, that a matching request gets this fault. */
  rate: number;
  kind: FaultKind;
  /** For `latency`: how long to stall before answering normally. Default 1000. */
  latencyMs?: number;
  /** Stop after firing this many times: a transient failure that a retry gets past. Default unlimited. */
  times?: number;
}

/**
 * The first rule that matches the request and wins its dice roll. `route` is
 * the stats key (`"GET /v1/prices/:id"`), `concrete` the same with the real
 * path (`"GET /v1/prices/price_123"`); a rule may name either.
 */
export function pickFault(rules: FaultRule[], route: string, concrete: string): FaultRule | undefined {
  const fired = rules.find((rule) => {
    const endpoint = rule.endpoint ?? '*';
    const matches = endpoint === '*' || endpoint === route || endpoint === concrete;
    return matches && (rule.times === undefined || rule.times > 0) && Math.random() < rule.rate;
  });
  if (fired?.times !== undefined) fired.times--;
  return fired;
}

/** Validates rules that arrive as JSON (control API) or from the CLI. */
export function parseFaultRules(input: unknown): FaultRule[] {
  if (!Array.isArray(input)) throw new Error('Faults must be an array of { endpoint?, rate, kind, latencyMs? }.');
  return input.map((rule: unknown, index) => {
    if (!isRecord(rule)) throw new Error(`faults[${index}] must be an object.`);
    const { endpoint, rate, kind, latencyMs, times } = rule;
    if (typeof kind !== 'string' || !isFaultKind(kind)) {
      throw new Error(`faults[${index}].kind must be one of ${FAULT_KINDS.join(', ')}.`);
    }
    if (typeof rate !== 'number' || rate < 0 || rate > 1)
      throw new Error(`faults[${index}].rate must be a number from 0 to 1.`);
    if (endpoint !== undefined && typeof endpoint !== 'string')
      throw new Error(`faults[${index}].endpoint must be a string.`);
    if (latencyMs !== undefined && (typeof latencyMs !== 'number' || latencyMs < 0)) {
      throw new Error(`faults[${index}].latencyMs must be a non-negative number.`);
    }
    if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
      throw new Error(`faults[${index}].times must be a positive integer.`);
    }
    return {
      kind,
      rate,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(times !== undefined ? { times } : {}),
    };
  });
}

/**
 * The CLI's `--fault` syntax: comma-separated `key=value` pairs, e.g.
 * `kind=503,rate=0.2,endpoint=POST /v1/checkout/sessions` or `kind=latency,rate=1,latencyMs=300`.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const fields: Record<string, string | number> = {};
  for (const pair of spec.split(',')) {
    const separator = pair.indexOf('=');
    if (separator === -1)
      throw new Error(`Invalid fault "${spec}": expected key=value pairs such as kind=500,rate=0.1.`);
    const key = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    fields[key] = key === 'rate' || key === 'latencyMs' || key === 'times' ? Number(value) : value;
  }
  fields.rate ??= 1;
  const [rule] = parseFaultRules([fields]);
  if (!rule) throw new Error(`Invalid fault "${spec}".`);
  return rule;
}

function isFaultKind(kind: string): kind is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(kind);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
