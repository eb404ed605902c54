/**
 * One HTTP request for a named route of a route table (docs/client.md "The typed key-service client"):
 * the target from the route's path pattern (each parameter percent-encoded) and query, the JSON body,
 * a bearer token, a timeout, and the owner's abort signal. It answers what happened — an answer with its
 * JSON, or no answer (unreachable, timed out, closed) — and leaves turning that into typed errors to the
 * caller (keyServiceApi.ts, broadcast/keyManagerClient.ts). Nothing here hangs: every request ends by
 * its timeout at the latest.
 */
import { buildPath, queryString, type PathParams, type QueryParams } from '../../common/api/path';
import type { ApiRoute } from '../../common/api/route';

/** A route's input with its types erased. */
export interface RequestParts {
  readonly params?: PathParams;
  readonly query?: QueryParams;
  readonly body?: unknown;
}

export type RouteOutcome =
  /** `json` is undefined for an empty body; `nonJson` when the body is not JSON. */
  | { readonly kind: 'answer'; readonly status: number; readonly json: unknown; readonly nonJson: boolean }
  | { readonly kind: 'unreachable'; readonly detail: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'closed' };

export interface SendOptions {
  readonly token?: string | null;
  readonly timeoutMs: number;
  /** The owner's close signal: a request it aborts ends as `closed`. */
  readonly signal?: AbortSignal;
  /**
   * One more attempt when a pooled keep-alive connection turns out closed by the server (it restarted):
   * such a request fails at once with UND_ERR_SOCKET / ECONNRESET. Writes the server sees twice are
   * refused by their own checks (409: version conflict, wrap exists, username taken).
   */
  readonly retryStaleConnection?: boolean;
}

function isStaleConnection(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}

function parseJson(text: string): { json: unknown; nonJson: boolean } {
  if (text === '') return { json: undefined, nonJson: false };
  try {
    return { json: JSON.parse(text), nonJson: false };
  } catch {
    return { json: undefined, nonJson: true };
  }
}

/** Sends one request for `route` to `baseUrl`; a missing path parameter throws before anything is sent. */
export async function sendRoute(baseUrl: string, route: ApiRoute, parts: RequestParts, opts: SendOptions): Promise<RouteOutcome> {
  const url = `${baseUrl}${buildPath(route.path, parts.params)}${queryString(parts.query)}`;
  const headers: Record<string, string> = {};
  if (parts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = parts.body === undefined ? undefined : JSON.stringify(parts.body);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const attempt = () => fetch(url, { method: route.method, headers, signal, ...(body === undefined ? {} : { body }) });
  try {
    const res = await attempt().catch((err: unknown) => {
      if (!opts.retryStaleConnection || signal.aborted || !isStaleConnection(err)) throw err;
      return attempt();
    });
    const text = await res.text();
    return { kind: 'answer', status: res.status, ...parseJson(text) };
  } catch (err) {
    if (opts.signal?.aborted) return { kind: 'closed' };
    if (timeout.aborted) return { kind: 'timeout' };
    return { kind: 'unreachable', detail: describe(err) };
  }
}
