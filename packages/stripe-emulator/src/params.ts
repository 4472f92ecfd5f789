import qs from 'qs';
import { invalidParam, invalidRequest, parameterMissing } from './errors';

/** Request parameters after bracket decoding: `a[b][0]=c` becomes `{ a: { b: ['c'] } }`. */
export type Params = Record<string, unknown>;

/**
 * qs defaults are too small for Stripe's shapes: `subscription_data[metadata][k]`
 * is three levels deep, checkout accepts up to 100 line items (qs turns an index
 * above `arrayLimit` into an object key), and a body may carry 50 metadata keys
 * next to everything else.
 */
const QS_OPTIONS: qs.IParseOptions = { depth: 10, arrayLimit: 100, parameterLimit: 2000 };

export function parseParams(text: string): Params {
  return qs.parse(text, QS_OPTIONS);
}

export function isParams(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(params: Params, key: string, param = key): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  // JSON bodies (test helpers, control API) may carry numbers and booleans.
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParam(param, `Invalid string: ${JSON.stringify(value)}`);
}

export function requiredString(params: Params, key: string, param = key): string {
  const value = optionalString(params, key, param);
  if (value === undefined || value === '') throw parameterMissing(param);
  return value;
}

export function optionalInteger(params: Params, key: string, param = key): number | undefined {
  const value = optionalString(params, key, param);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidParam(param, `Invalid integer: ${value}`, 'parameter_invalid_integer');
  return Number(value);
}

export function optionalBoolean(params: Params, key: string, param = key): boolean | undefined {
  const value = optionalString(params, key, param);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParam(param, `Invalid boolean: ${value}`);
}

export function optionalParams(params: Params, key: string, param = key): Params | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (!isParams(value)) throw invalidParam(param, 'Invalid object', 'parameter_invalid_object');
  return value;
}

/** A list of objects, e.g. `line_items[0][price]`. Arrays past qs's arrayLimit arrive as index-keyed objects. */
export function objectList(params: Params, key: string): Params[] {
  const value = params[key];
  if (value === undefined || value === '') return [];
  const entries = Array.isArray(value) ? value : isParams(value) ? Object.values(value) : [value];
  return entries.map((entry, index) => {
    if (!isParams(entry)) throw invalidParam(`${key}[${index}]`, 'Invalid object', 'parameter_invalid_object');
    return entry;
  });
}

/** A list of strings, from `expand[]=a`, `expand[0]=a` or a lone `expand=a`. */
export function stringList(params: Params, key: string): string[] {
  const value = params[key];
  if (value === undefined || value === '') return [];
  const entries = Array.isArray(value) ? value : isParams(value) ? Object.values(value) : [value];
  return entries.map((entry, index) => {
    if (typeof entry !== 'string') throw invalidParam(`${key}[${index}]`, `Invalid string: ${JSON.stringify(entry)}`);
    return entry;
  });
}

export type Metadata = Record<string, string>;

const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

/**
 * Reads and validates `metadata` as Stripe does. Returns `undefined` when the
 * parameter is absent and `null` for `metadata=` (which clears every key on
 * update). An empty value for a key means "unset this key".
 */
export function metadataParam(params: Params, key = 'metadata', param = key): Metadata | null | undefined {
  // qs cannot represent a key containing brackets: `metadata[a[b]]=1` surfaces as a stray top-level `metadata[a` key.
  if (Object.keys(params).some((name) => name.startsWith(`${key}[`))) {
    throw invalidParam(param, "Metadata keys can't contain '[' or ']'.", 'parameter_invalid_string');
  }
  const value = params[key];
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (!isParams(value)) throw invalidParam(param, 'Invalid metadata: must be an object of string keys and values.');
  const entries = Object.entries(value);
  if (entries.length > METADATA_MAX_KEYS) {
    throw invalidRequest(
      `Invalid ${param}: metadata can have up to ${METADATA_MAX_KEYS} keys, but you passed in ${entries.length} keys.`,
      param,
    );
  }
  const metadata: Metadata = {};
  for (const [name, raw] of entries) {
    const keyParam = `${param}[${name}]`;
    if (/[[\]]/.test(name)) throw invalidRequest("Metadata keys can't contain '[' or ']'.", keyParam);
    if (name.length > METADATA_MAX_KEY_LENGTH) {
      throw invalidRequest(
        `Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters, but you passed in a key with ${name.length} characters: ${name}`,
        keyParam,
      );
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      throw invalidRequest(`Invalid value for ${keyParam}: metadata values must be strings.`, keyParam);
    }
    const text = String(raw);
    if (text.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidRequest(
        `Metadata values can have up to ${METADATA_MAX_VALUE_LENGTH} characters, but you passed in a value with ${text.length} characters.`,
        keyParam,
      );
    }
    metadata[name] = text;
  }
  return metadata;
}

/** Applies an update from `metadataParam` to stored metadata: empty values unset keys, `null` clears all. */
export function mergeMetadata(current: Metadata, update: Metadata | null | undefined, param = 'metadata'): Metadata {
  if (update === undefined) return current;
  if (update === null) return {};
  const merged: Metadata = { ...current };
  for (const [name, value] of Object.entries(update)) {
    if (value === '') delete merged[name];
    else merged[name] = value;
  }
  if (Object.keys(merged).length > METADATA_MAX_KEYS) {
    throw invalidRequest(`Invalid ${param}: metadata can have up to ${METADATA_MAX_KEYS} keys.`, param);
  }
  return merged;
}

/** An enum parameter: undefined when absent, Stripe's `Invalid <param>` error for a value not in `values`. */
export function oneOf<T extends string>(params: Params, key: string, values: readonly T[], param = key): T | undefined {
  const value = optionalString(params, key, param);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidParam(param, `Invalid ${param}: must be one of ${values.join(', ')}`);
  }
  return value as T;
}
