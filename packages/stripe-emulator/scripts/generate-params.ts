/**
 * Writes `src/generated/stripe-params.json`: for every operation of the resources below, the request
 * parameters Stripe accepts (nested hashes and arrays of hashes included) and the object it answers
 * with; for every object those operations reach, which of its fields `expand[]` may name.
 *
 * The source is the pinned stripe-node's type declarations, read by `stripe-declarations.ts`.
 *
 * Run with `pnpm --filter @subkit/stripe-emulator generate` after upgrading `stripe` (it also formats
 * the output); `test/generated.test.ts` fails while the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Declaration,
  genericArgument,
  lookup,
  type Member,
  type Module,
  matchingBracket,
  membersOf,
  outputDirectory,
  parseMembers,
  RESOURCE_FILES,
  resourceMethods,
  splitTopLevel,
  stripeNodeVersion,
} from './stripe-declarations';

/** A parameter: `1` takes any value and is not looked into; an object lists its keys; `[shape]` is an array of it. */
type Shape = 1 | { [key: string]: Shape } | [Shape];

const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'null', 'undefined', 'true', 'false', 'any', 'unknown']);
/** Free-form or opaque types: no key below them is checked. */
const LEAF_NAMES = new Set(['MetadataParam', 'Metadata', 'OtherString', 'Decimal', 'Record']);

// ---------------------------------------------------------------- request parameters

function paramShape(text: string, module: Module, scope: string, seen: Set<Declaration>): Shape {
  const parts = splitTopLevel(text, '|');
  return mergeShapes(parts.map((part) => partShape(part, module, scope, seen)));
}

function partShape(text: string, module: Module, scope: string, seen: Set<Declaration>): Shape {
  if (text.startsWith('(') && matchingBracket(text, 0) === text.length - 1)
    return paramShape(text.slice(1, -1), module, scope, seen);
  if (text.endsWith('[]')) return arrayOf(partShape(text.slice(0, -2), module, scope, seen));
  const emptyable = genericArgument(text, 'Emptyable');
  if (emptyable) return paramShape(emptyable, module, scope, seen);
  const array = genericArgument(text, 'Array');
  if (array) return arrayOf(paramShape(array, module, scope, seen));
  if (text.startsWith('{')) {
    // `{ [key: string]: X }` inline (`currency_options`) is a map keyed by the caller, like an indexed declaration.
    const { members, index } = parseMembers(text.slice(1, -1));
    return index !== undefined ? 1 : objectShape(members, module, scope, seen);
  }
  const name = /^[\w.]+/.exec(text)?.[0];
  if (!name || LEAF_TYPES.has(name) || LEAF_NAMES.has(name.replace(/^Stripe\./, '')) || /^['\d-]/.test(text)) return 1;
  const declaration = lookup(module, scope, name);
  if (!declaration) throw new Error(`Cannot resolve ${name} in ${module.file} (${scope})`);
  if (seen.has(declaration)) return 1;
  const inner = new Set(seen).add(declaration);
  if (declaration.kind === 'type') return paramShape(declaration.text, declaration.module, declaration.scope, inner);
  if (declaration.index !== undefined) return 1;
  return objectShape(membersOf(declaration), declaration.module, declaration.scope, inner);
}

function objectShape(members: Member[], module: Module, scope: string, seen: Set<Declaration>): Shape {
  const shape: Record<string, Shape> = {};
  for (const member of members) {
    shape[member.name] =
      member.name === 'metadata' || member.name === 'expand' ? 1 : paramShape(member.type, module, scope, seen);
  }
  return shape;
}

/** An array of scalars is a scalar here: only arrays of hashes have keys to check. */
function arrayOf(shape: Shape): Shape {
  return shape === 1 ? 1 : [shape];
}

function mergeShapes(shapes: Shape[]): Shape {
  const arrays = shapes.filter((shape): shape is [Shape] => Array.isArray(shape));
  const objects = shapes.filter(
    (shape): shape is Record<string, Shape> => typeof shape === 'object' && !Array.isArray(shape),
  );
  if (arrays.length > 0) return [mergeShapes([...arrays.map(([inner]) => inner), ...objects])];
  if (objects.length === 0) return 1;
  const merged: Record<string, Shape> = {};
  for (const object of objects) {
    for (const [key, shape] of Object.entries(object)) {
      merged[key] = key in merged ? mergeShapes([merged[key] as Shape, shape]) : shape;
    }
  }
  return merged;
}

// ---------------------------------------------------------------- response objects and expand

interface ObjectInfo {
  /** Field path → the object it expands to (`null` when unknown), e.g. `parent.subscription_details.subscription`. */
  expandable: Record<string, string | null>;
  /** Field path → the object always embedded there, which paths may continue into (`items.data` → `subscription_item`). */
  embedded: Record<string, string>;
}

const objects = new Map<string, ObjectInfo>();
const pendingObjects: Declaration[] = [];

/** `object: 'customer'` names an API resource; nested hashes have no such field. */
function objectName(declaration: Declaration | undefined): string | undefined {
  if (declaration?.kind !== 'interface') return undefined;
  const type = membersOf(declaration).find((member) => member.name === 'object')?.type;
  return type && /^'[\w.]+'$/.test(type) ? type.slice(1, -1) : undefined;
}

/**
 * `type Event = CustomerCreatedEvent | …`: the members share a base (`EventBase`) that names the
 * object; what differs between them (`data.object`) is no path `expand[]` can follow.
 */
function commonBase(declaration: Declaration | undefined): Declaration | undefined {
  if (declaration?.kind !== 'type') return declaration;
  const [first] = splitTopLevel(declaration.text, '|');
  const member = first ? lookup(declaration.module, declaration.scope, first) : undefined;
  if (member?.kind !== 'interface') return member;
  const base = member.extends.map((parent) => lookup(member.module, member.scope, parent)).find(objectName);
  return base ?? member;
}

/** The object a resource type reference names, queuing it so its own fields are described too. */
function resourceFrom(declaration: Declaration | undefined): string | undefined {
  const name = objectName(declaration);
  if (name && declaration && !objects.has(name) && !isDeleted(declaration)) {
    objects.set(name, { expandable: {}, embedded: {} });
    pendingObjects.push(declaration);
  }
  return name;
}

function isDeleted(declaration: Declaration): boolean {
  // Live objects declare `deleted?: void`; their `Deleted…` twins `deleted: true`.
  return (
    declaration.kind === 'interface' &&
    membersOf(declaration).some((member) => member.name === 'deleted' && member.type === 'true')
  );
}

function describeFields(info: ObjectInfo, declaration: Declaration, prefix: string, depth: number): void {
  if (declaration.kind !== 'interface' || depth > 5) return;
  for (const member of membersOf(declaration)) {
    describeField(info, member, declaration.module, declaration.scope, `${prefix}${member.name}`, depth);
  }
}

function describeField(info: ObjectInfo, member: Member, module: Module, scope: string, path: string, depth: number) {
  // `Array<string | Discount>` is a list of expandable ids: look inside the array before splitting.
  const parts = splitTopLevel(member.type, '|')
    .filter((part) => part !== 'null')
    .flatMap((part) => {
      const element = part.endsWith('[]') ? part.slice(0, -2) : (genericArgument(part, 'Array') ?? part);
      return splitTopLevel(element, '|');
    });
  const byId = parts.includes('string');
  for (const part of parts) {
    const list = genericArgument(part, 'ApiList');
    const name = /^[\w.]+$/.exec(list ?? part)?.[0];
    if (!name || LEAF_TYPES.has(name) || LEAF_NAMES.has(name)) continue;
    const declaration = lookup(module, scope, name);
    const resource = resourceFrom(declaration);
    if (list !== undefined) {
      // A list not sent by default (`line_items?: ApiList<LineItem>`) is included by expanding it.
      if (member.optional) info.expandable[path] = null;
      if (resource) info.embedded[`${path}.data`] = resource;
    } else if (resource) {
      if (byId) info.expandable[path] ??= resource;
      else info.embedded[path] = resource;
    } else if (byId && declaration?.kind !== 'interface') {
      // An id or an object of a kind the declarations do not pin down (`CustomerSource`, a namespace import).
      info.expandable[path] = null;
    } else if (declaration?.kind === 'interface') {
      describeFields(info, declaration, `${path}.`, depth + 1);
    }
  }
}

// ---------------------------------------------------------------- operations

interface Operation {
  /** `Checkout.SessionCreateParams`-style interface name, for people reading the file. */
  paramsType: string | null;
  params: Record<string, Shape>;
  /** The object answered, or each element's for `list: true` (a list or search result). */
  returns: string | null;
  list: boolean;
}

function operationsOf(resourceFile: string): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const { key, module, parameters, returns } of resourceMethods(resourceFile)) {
    const paramsType = /params\??: ([\w.]+)/.exec(parameters)?.[1] ?? null;
    const declaration = paramsType ? lookup(module, '', paramsType) : undefined;
    const params = declaration ? partShape(paramsType as string, module, '', new Set()) : {};
    if (params === 1 || Array.isArray(params)) throw new Error(`${paramsType} is not a hash`);
    const listed = /^(?:ApiListPromise|ApiSearchResultPromise)<([\w.]+)>$/.exec(returns);
    const single = /^Promise<Response<([\w.]+)/.exec(returns);
    const returnType = listed?.[1] ?? single?.[1];
    operations.set(key, {
      paramsType,
      params,
      returns: returnType ? (resourceFrom(commonBase(lookup(module, '', returnType))) ?? null) : null,
      list: listed !== null,
    });
  }
  return operations;
}

const operations: Record<string, Operation> = {};
for (const file of RESOURCE_FILES) {
  for (const [key, operation] of operationsOf(file)) operations[key] = operation;
}
while (pendingObjects.length > 0) {
  const declaration = pendingObjects.shift() as Declaration;
  describeFields(objects.get(objectName(declaration) as string) as ObjectInfo, declaration, '', 0);
}

const output = {
  comment: 'Generated by scripts/generate-params.ts from stripe-node type declarations; do not edit.',
  stripeNode: stripeNodeVersion,
  operations: Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b))),
  objects: Object.fromEntries([...objects].sort(([a], [b]) => a.localeCompare(b))),
};
const target = join(outputDirectory(), 'stripe-params.json');
writeFileSync(target, `${JSON.stringify(output, null, 2)}\n`);
process.stdout.write(`Wrote ${Object.keys(operations).length} operations and ${objects.size} objects to ${target}\n`);
