import { invalidParam } from './errors';
import { optionalInteger, optionalString, type Params, requiredString } from './params';

/**
 * Stripe's search query language (https://docs.stripe.com/search#search-query-language), the part
 * subscription apps use:
 *
 * - clauses `field:value` (exact match, case-insensitive), `field~"abc"` (substring, 3+ characters),
 *   `field>n`, `field<n`, `field>=n`, `field<=n` on numeric fields;
 * - `metadata["key"]:"value"` (or single quotes);
 * - `-` before a clause negates it;
 * - clauses joined by `AND` or by `OR`, not both in one query, at most 10;
 * - string values in single or double quotes with `\` escapes, numbers bare.
 *
 * Stripe's index lags writes by up to a minute; the emulator's does not, which only makes tests faster.
 */

/** A searchable field of an object: its value as text or a number, `null` when unset. */
export type SearchField<T> =
  | { kind: 'string'; read: (object: T) => string | null | undefined }
  | { kind: 'number'; read: (object: T) => number };

export type SearchFields<T> = Record<string, SearchField<T>>;

const MAX_CLAUSES = 10;

type Operator = ':' | '~' | '>' | '<' | '>=' | '<=';

interface Clause {
  negated: boolean;
  /** A field name, or the key inside `metadata[...]`. */
  field: string;
  metadataKey: string | null;
  operator: Operator;
  value: string | number;
}

function queryError(message: string) {
  return invalidParam('query', message, 'parameter_invalid_string');
}

/** Splits a query into clauses and the connector between them. */
function parseQuery(query: string): { clauses: Clause[]; connector: 'AND' | 'OR' } {
  const clauses: Clause[] = [];
  const connectors = new Set<'AND' | 'OR'>();
  let position = 0;
  const skipSpaces = () => {
    while (query[position] === ' ') position++;
  };
  const quoted = (): string => {
    const quote = query[position];
    position++;
    let text = '';
    while (position < query.length && query[position] !== quote) {
      if (query[position] === '\\') position++;
      text += query[position] ?? '';
      position++;
    }
    if (position >= query.length) throw queryError(`Unterminated string in query at position ${position}.`);
    position++;
    return text;
  };

  for (;;) {
    skipSpaces();
    const negated = query[position] === '-';
    if (negated) position++;
    const name = /^[a-z_]+/.exec(query.slice(position))?.[0];
    if (!name) throw queryError(`Invalid query: expected a field name at position ${position}.`);
    position += name.length;
    let metadataKey: string | null = null;
    if (query[position] === '[') {
      position++;
      if (query[position] !== '"' && query[position] !== "'")
        throw queryError(`Invalid query: metadata keys must be quoted, e.g. metadata["key"].`);
      metadataKey = quoted();
      if (query[position] !== ']') throw queryError(`Invalid query: expected "]" at position ${position}.`);
      position++;
    }
    const operator = /^(>=|<=|:|~|>|<)/.exec(query.slice(position))?.[0] as Operator | undefined;
    if (!operator) throw queryError(`Invalid query: expected one of : ~ > < >= <= at position ${position}.`);
    position += operator.length;
    let value: string | number;
    if (query[position] === '"' || query[position] === "'") value = quoted();
    else {
      const number = /^-?\d+(\.\d+)?/.exec(query.slice(position))?.[0];
      if (number === undefined) throw queryError(`Invalid query: string values must be quoted (position ${position}).`);
      position += number.length;
      value = Number(number);
    }
    clauses.push({ negated, field: name, metadataKey, operator, value });
    skipSpaces();
    if (position >= query.length) break;
    const connector = /^(AND|OR) /.exec(query.slice(position))?.[1] as 'AND' | 'OR' | undefined;
    if (!connector) throw queryError(`Invalid query: expected AND or OR at position ${position}.`);
    connectors.add(connector);
    position += connector.length;
  }
  if (connectors.size > 1) throw queryError('Invalid query: AND and OR cannot be combined in one query.');
  if (clauses.length > MAX_CLAUSES) throw queryError(`Invalid query: a query can have at most ${MAX_CLAUSES} clauses.`);
  return { clauses, connector: connectors.has('OR') ? 'OR' : 'AND' };
}

function clauseMatcher<T extends { metadata: Record<string, string> | null }>(
  clause: Clause,
  fields: SearchFields<T>,
): (object: T) => boolean {
  const { operator, value } = clause;
  const isRange = operator !== ':' && operator !== '~';
  if (clause.metadataKey !== null || clause.field === 'metadata') {
    const key = clause.metadataKey;
    if (clause.field !== 'metadata' || key === null || operator !== ':' || typeof value !== 'string') {
      throw queryError('Invalid query: metadata is searched as metadata["key"]:"value".');
    }
    return (object) => object.metadata?.[key] === value;
  }
  const field = fields[clause.field];
  if (!field) {
    throw queryError(
      `Field \`${clause.field}\` is an unsupported search field. Supported fields: ${[...Object.keys(fields), 'metadata'].join(', ')}.`,
    );
  }
  if (field.kind === 'number') {
    if (typeof value !== 'number' || operator === '~')
      throw queryError(`Invalid query: \`${clause.field}\` takes a number, with : > < >= <=.`);
    return (object) => {
      const actual = field.read(object);
      return operator === ':'
        ? actual === value
        : operator === '>'
          ? actual > value
          : operator === '<'
            ? actual < value
            : operator === '>='
              ? actual >= value
              : actual <= value;
    };
  }
  if (isRange || typeof value !== 'string') {
    throw queryError(`Invalid query: \`${clause.field}\` takes a quoted string, with : or ~.`);
  }
  const wanted = value.toLowerCase();
  if (operator === '~') {
    if (wanted.length < 3) throw queryError('Invalid query: a substring search (~) needs at least 3 characters.');
    return (object) => field.read(object)?.toLowerCase().includes(wanted) ?? false;
  }
  return (object) => field.read(object)?.toLowerCase() === wanted;
}

/** Stripe's search result envelope. */
export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
}

/**
 * Runs a search request (`query`, `limit` 1–100 default 10, `page` from a previous result's
 * `next_page`) over `newestFirst`. The page token is the offset, encoded so it reads as opaque.
 */
export function search<T extends { metadata: Record<string, string> | null }>(
  newestFirst: T[],
  params: Params,
  fields: SearchFields<T>,
  url: string,
): SearchResult<T> {
  const { clauses, connector } = parseQuery(requiredString(params, 'query'));
  const matchers = clauses.map((clause) => {
    const matches = clauseMatcher(clause, fields);
    return clause.negated ? (object: T) => !matches(object) : matches;
  });
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam('limit', 'Invalid limit: must be between 1 and 100', 'parameter_invalid_integer');
  }
  const page = optionalString(params, 'page');
  const offset = page === undefined ? 0 : decodePage(page);
  const found = newestFirst.filter((object) =>
    connector === 'AND' ? matchers.every((match) => match(object)) : matchers.some((match) => match(object)),
  );
  const data = found.slice(offset, offset + limit);
  const hasMore = offset + limit < found.length;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : null,
    url,
  };
}

function decodePage(page: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(page, 'base64url').toString());
  if (!match) throw invalidParam('page', `Invalid page: ${page}`);
  return Number(match[1]);
}
