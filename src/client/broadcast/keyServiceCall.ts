/**
 * How the broadcast client reaches the key service (docs/broadcast.md §8): one function per request,
 * `(method, path, body?) => Promise<unknown>`. The app passes its own authenticated caller (e.g.
 * `(m, p, b) => api.call(m, p, b)` of the client core's KeyServiceApi, which refreshes tokens and throws
 * its typed errors); `sessionCall` builds one from a URL and a device-bound token (tests, bots).
 */
import { z } from 'zod';
import { DirectoryError } from '../../common/broadcast/errors';
import { missingCase } from '../../common/errors';
import { requestJson, type HttpFailure } from './httpJson';

export type KeyServiceCall = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => Promise<unknown>;

export interface KeyServiceSession {
  /** The key service base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** A current device-bound access token (the host refreshes it). */
  readonly accessToken: () => Promise<string>;
  /** Bound on every request; default 5 s. */
  readonly timeoutMs?: number;
}

function failure(f: HttpFailure, what: string): DirectoryError {
  switch (f.kind) {
    case 'unreachable':
    case 'timeout':
      return new DirectoryError('directory_unreachable', `key service did not answer ${what}`);
    case 'refused':
      return new DirectoryError('directory_refused', `key service refused ${what} (${f.status} ${f.code}): ${f.message}`, f.status);
    case 'bad_response':
      return new DirectoryError('directory_refused', `key service answered ${what} with an unexpected body`, f.status);
    default:
      return missingCase(f);
  }
}

/** A caller over plain HTTP with a bearer token; failures are DirectoryErrors. */
export function sessionCall(session: KeyServiceSession): KeyServiceCall {
  return async (method, path, body) =>
    requestJson({ method, url: `${session.url}${path}`, body, token: await session.accessToken(), timeoutMs: session.timeoutMs ?? 5_000 }, z.unknown(), (f) => failure(f, `${method} ${path}`));
}

/** Calls and parses the answer; an answer of another shape is a DirectoryError. */
export async function callParsed<S extends z.ZodType>(call: KeyServiceCall, schema: S, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<z.output<S>> {
  const parsed = schema.safeParse(await call(method, path, body));
  if (!parsed.success) throw new DirectoryError('directory_refused', `key service answered ${method} ${path} with an unexpected body`);
  return parsed.data;
}
