/**
 * Turning a route's path pattern into a request target (docs/api.md "The key-service API as data"):
 * each `:name` segment becomes its parameter, percent-encoded, and the query its URL-encoded string. A
 * parameter the pattern names but the input lacks is refused before anything is sent.
 */
import { AppError } from '../errors';

export type PathParams = Readonly<Record<string, string | number>>;
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** `/c/:conversationId` + `{conversationId: 'a b'}` → `/c/a%20b`. */
export function buildPath(pattern: string, params: PathParams = {}): string {
  return pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      const value = params[name];
      if (value === undefined) throw new AppError('invalid_input', `the path parameter ${name} of ${pattern} is missing`);
      return encodeURIComponent(String(value));
    })
    .join('/');
}

/** `?a=1&b=x` of the defined entries, or '' when there are none. */
export function queryString(query: QueryParams = {}): string {
  const pairs = Object.entries(query).flatMap(([name, value]) =>
    value === undefined ? [] : [`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`],
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** The names of a pattern's `:name` segments, in order. */
export function pathParamNames(pattern: string): string[] {
  return pattern
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}
