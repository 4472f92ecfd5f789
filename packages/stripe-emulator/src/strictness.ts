import { StripeApiError } from './errors';
import generatedJson from './generated/stripe-params.json' with { type: 'json' };
import { isParams, type Params } from './params';

/**
 * The emulator is as strict as Stripe about what a request may carry, and stricter where it would
 * otherwise cut a corner: a parameter Stripe does not know is refused as Stripe refuses it
 * (`parameter_unknown`), and one Stripe knows but the route does not act on is refused with
 * `emulator_parameter_unsupported`, so no test passes on behaviour the emulator skipped.
 *
 * What Stripe knows comes from `generated/stripe-params.json` (scripts/generate-params.ts, read from
 * the pinned stripe-node's declarations); what the emulator acts on, from each route's `supports`.
 */

/** `1`: any value, not looked into (scalars, lists of scalars, `metadata`); an object: its keys; `[shape]`: a list of it. */
type Shape = 1 | { [key: string]: Shape } | [Shape];

interface GeneratedOperation {
  params: Record<string, Shape>;
  returns: string | null;
  list: boolean;
}

interface GeneratedObject {
  expandable: Record<string, string | null>;
  embedded: Record<string, string>;
}

interface Generated {
  operations: Record<string, GeneratedOperation>;
  objects: Record<string, GeneratedObject>;
}

// Imported, not read from disk at run time: the server's production build bundles the emulator.
// JSON's inferred types widen `1` to `number`, hence the cast through `unknown`.
const generated = generatedJson as unknown as Generated;

/** `POST /v1/customers/{id}` and `POST /v1/customers/:id` both become `POST /v1/customers/*`. */
function operationKey(method: string, path: string): string {
  return `${method} ${path.replace(/\{[^}]+\}|:[^/]+/g, '*')}`;
}

const stripeOperations = new Map(
  Object.entries(generated.operations).map(([key, operation]) => {
    const [method, path] = key.split(' ') as [string, string];
    return [operationKey(method, path), operation];
  }),
);

/** What a route declares about itself. */
export interface RouteSpec {
  /**
   * The parameters the handler acts on, as Stripe's docs name them: `email`,
   * `subscription_data.trial_period_days`, `line_items.price` (lists need no index). A path covers
   * everything below it (`metadata`). `expand` is always supported.
   */
  supports: readonly string[];
  /** The object an emulator-only route (not in Stripe's API) answers with, for checking `expand[]`. */
  returns?: string;
}

type SupportTree = { [key: string]: SupportTree | true };

/** The checks for one route, prepared once when it is registered. */
export interface RouteStrictness {
  checkParams(params: Params): void;
  checkExpand(paths: readonly string[]): void;
}

export function routeStrictness(method: string, url: string, spec: RouteSpec): RouteStrictness {
  const stripe = stripeOperations.get(operationKey(method, url));
  const supported = supportTree(spec.supports);
  // A route of the emulator's own (test helpers) knows exactly what it declares.
  const known: Record<string, Shape> = stripe?.params ?? shapeOf(supported);
  for (const path of spec.supports) {
    if (!isKnownPath(known, path.split('.'))) {
      throw new Error(`${method} ${url} declares support for \`${path}\`, which Stripe does not accept there.`);
    }
  }
  const returns = stripe
    ? { object: stripe.returns, list: stripe.list }
    : { object: spec.returns ?? null, list: false };
  return {
    checkParams(params) {
      const unknown = firstUnknown(params, known, '');
      if (unknown) throw parameterUnknown(unknown);
      const unsupported = firstUnsupported(params, known, supported, '');
      if (unsupported) throw parameterUnsupported(unsupported);
    },
    checkExpand(paths) {
      for (const path of paths) checkExpandPath(path, returns.object, returns.list);
    },
  };
}

function supportTree(paths: readonly string[]): SupportTree {
  const tree: SupportTree = { expand: true };
  for (const path of paths) {
    const keys = path.split('.');
    let node = tree;
    keys.forEach((key, index) => {
      if (index === keys.length - 1) node[key] = true;
      else {
        const next = node[key];
        if (next === true) return;
        node = node[key] = next ?? {};
      }
    });
  }
  return tree;
}

function shapeOf(tree: SupportTree): Record<string, Shape> {
  return Object.fromEntries(
    Object.entries(tree).map(([key, node]) => [key, node === true ? 1 : shapeOf(node)] as [string, Shape]),
  );
}

function isKnownPath(shape: Shape, keys: string[]): boolean {
  const [key, ...rest] = keys;
  if (key === undefined) return true;
  if (Array.isArray(shape)) return isKnownPath(shape[0], keys);
  if (shape === 1 || !(key in shape)) return false;
  return isKnownPath(shape[key] as Shape, rest);
}

/** Each element of a list parameter with its index; qs turns long lists into index-keyed objects. */
function listEntries(value: unknown): [string, unknown][] {
  if (Array.isArray(value)) return value.map((entry, index) => [String(index), entry]);
  if (isParams(value)) return Object.entries(value);
  return [];
}

function bracketName(parent: string, key: string): string {
  return parent === '' ? key : `${parent}[${key}]`;
}

/** The bracket name (`subscription_data[foo]`) of the first parameter Stripe would not recognise. */
function firstUnknown(value: unknown, shape: Shape, name: string): string | undefined {
  if (shape === 1) return undefined;
  if (Array.isArray(shape)) {
    for (const [index, entry] of listEntries(value)) {
      const found = firstUnknown(entry, shape[0], bracketName(name, index));
      if (found) return found;
    }
    return undefined;
  }
  if (!isParams(value)) return undefined;
  for (const [key, entry] of Object.entries(value)) {
    const inner = shape[key];
    if (inner === undefined) return bracketName(name, key);
    const found = firstUnknown(entry, inner, bracketName(name, key));
    if (found) return found;
  }
  return undefined;
}

/** The bracket name of the first parameter Stripe knows that the route did not declare. */
function firstUnsupported(value: unknown, shape: Shape, support: SupportTree, name: string): string | undefined {
  if (shape === 1) return undefined;
  if (Array.isArray(shape)) {
    for (const [index, entry] of listEntries(value)) {
      const found = firstUnsupported(entry, shape[0], support, bracketName(name, index));
      if (found) return found;
    }
    return undefined;
  }
  if (!isParams(value)) return undefined;
  for (const [key, entry] of Object.entries(value)) {
    const node = support[key];
    if (node === undefined) return bracketName(name, key);
    if (node === true) continue;
    const found = firstUnsupported(entry, shape[key] as Shape, node, bracketName(name, key));
    if (found) return found;
  }
  return undefined;
}

function parameterUnknown(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Received unknown parameter: ${param}`,
    'parameter_unknown',
    param,
  );
}

function parameterUnsupported(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Received parameter ${param}, which Stripe accepts here but the Stripe emulator does not support: ` +
      'rather than ignore it, the emulator refuses the request. Remove it, or add its behaviour to the emulator.',
    EMULATOR_UNSUPPORTED,
    param,
  );
}

/** The error code for a request valid on Stripe that the emulator cannot honour; not one of Stripe's codes. */
export const EMULATOR_UNSUPPORTED = 'emulator_parameter_unsupported';

/**
 * Walks an `expand[]` path over the generated description of the object a route answers with:
 * each segment must be a field that expands (an id or an includable list), a hash on the way to
 * one, or an object always embedded there (`items.data`, `price`). Stripe's message quotes the path.
 */
function checkExpandPath(path: string, returns: string | null, list: boolean): void {
  let segments = path.split('.');
  if (list) {
    if (segments[0] !== 'data') {
      throw cannotExpand(
        `This property cannot be expanded (${path}). You may want to try expanding 'data.${path}' instead.`,
      );
    }
    segments = segments.slice(1);
  }
  let object = returns;
  let prefix = '';
  for (const [index, segment] of segments.entries()) {
    // An object the declarations do not describe (a namespace import, a union of kinds): no further check.
    const info = object === null ? undefined : generated.objects[object];
    if (!info) return;
    const field = prefix === '' ? segment : `${prefix}.${segment}`;
    const last = index === segments.length - 1;
    const leadsFurther = (key: string) =>
      Object.keys(info.expandable).some((other) => other.startsWith(`${key}.`)) ||
      Object.keys(info.embedded).some((other) => other.startsWith(`${key}.`));
    if (field in info.expandable) {
      if (last) return;
      const target = info.expandable[field] ?? null;
      if (target === null && leadsFurther(field)) prefix = field;
      else {
        object = target;
        prefix = '';
      }
    } else if (field in info.embedded && !last) {
      object = info.embedded[field] ?? null;
      prefix = '';
    } else if (leadsFurther(field) && !last) {
      prefix = field;
    } else {
      throw cannotExpand(`This property cannot be expanded (${path}).`);
    }
  }
}

/** Stripe answers a bad `expand[]` path with neither `code` nor `param`. */
function cannotExpand(message: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message);
}
