/**
 * One bounded JSON request for the broadcast client (docs/broadcast.md §8): a refused connection, no
 * answer within `timeoutMs`, a non-2xx answer and a body that does not match the schema each become a
 * typed error built by the caller, so nothing hangs and nothing untyped escapes.
 */
import type { z } from 'zod';
import { KeyManagerErrorBodySchema } from '../../common/broadcast/keyManagerApi';

export type HttpFailure =
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly message: string }
  | { readonly kind: 'bad_response'; readonly status: number };

export interface JsonRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  readonly token?: string;
  readonly timeoutMs: number;
}

export async function requestJson<S extends z.ZodType>(req: JsonRequest, schema: S, fail: (f: HttpFailure) => Error): Promise<z.output<S>> {
  const headers: Record<string, string> = {};
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
  let status: number;
  let text: string;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      signal: AbortSignal.timeout(req.timeoutMs),
      headers,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    throw fail(name === 'TimeoutError' || name === 'AbortError' ? { kind: 'timeout' } : { kind: 'unreachable' });
  }
  let json: unknown;
  try {
    json = text.length === 0 ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  if (status < 200 || status >= 300) {
    const parsed = KeyManagerErrorBodySchema.safeParse(json);
    const remote = parsed.success ? parsed.data.error : { code: 'unknown', message: `HTTP ${status}` };
    throw fail({ kind: 'refused', status, code: remote.code, message: remote.message });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fail({ kind: 'bad_response', status });
  return parsed.data;
}
