/**
 * Answers of the relay: a status and a JSON text, always sent with `content-type: application/json` (the SDK's
 * error path reads that header unconditionally, docs/pubnub-wire.md §0) and CORS headers for renderer use.
 * Error bodies take the shapes the SDK parses: `{status, error, message, service}` objects, the publish
 * `[0, "<reason>", "<tt>"]` array, and `payload.channels` on Access Manager refusals (§3.1).
 */
import type { ServerResponse } from 'node:http';
import { AccessDeniedError, type RelayError } from '../errors';

export interface Reply {
  readonly status: number;
  /** JSON text, or the bytes of a file (with `headers` naming their type). */
  readonly body: string | Buffer;
  /** Headers beyond the JSON defaults: a file's `content-type`, a redirect's `location`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An answer of bytes (a stored file) with their media type. */
export function okBytes(bytes: Buffer, contentType: string): Reply {
  return { status: 200, body: bytes, headers: { 'content-type': contentType } };
}

/** `307 Temporary Redirect` to `location` (the SDK's fetch follows it with the same method). */
export function redirect(location: string): Reply {
  return { status: 307, body: '', headers: { location } };
}

/** `204 No Content`: what an S3 form upload answers and the SDK's `sendFile` expects. */
export function noContent(): Reply {
  return { status: 204, body: '' };
}

export type ErrorShape = 'object' | 'publishArray';

export function ok(value: unknown): Reply {
  return { status: 200, body: JSON.stringify(value) };
}

/** A 200 answer whose JSON text was assembled by the caller (raw timetoken numbers, spliced payloads). */
export function okRaw(json: string): Reply {
  return { status: 200, body: json };
}

export function errorReply(error: RelayError, shape: ErrorShape, timetoken: bigint): Reply {
  if (shape === 'publishArray' && !(error instanceof AccessDeniedError)) {
    return { status: error.status, body: JSON.stringify([0, error.message, String(timetoken)]) };
  }
  const body: Record<string, unknown> = {
    status: error.status,
    error: true,
    message: error.message,
    service: error.service,
    code: error.code,
  };
  if (error instanceof AccessDeniedError) {
    body.payload = { channels: error.denied.channels, 'channel-groups': error.denied.groups };
  }
  return { status: error.status, body: JSON.stringify(body) };
}

export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
  'access-control-max-age': '600',
};

export function writeReply(res: ServerResponse, reply: Reply, closing: boolean): void {
  if (res.writableEnded || res.destroyed) return;
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    ...reply.headers,
    'content-length': String(body.length),
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(body);
}

/** CORS preflight: allow whatever headers the renderer asks for (Content-Type, Content-Encoding, ...). */
export function writePreflight(res: ServerResponse, requestedHeaders: string | undefined, privateNetwork: boolean): void {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'access-control-allow-headers':
      requestedHeaders !== undefined && /^[\w\-, ]{1,500}$/.test(requestedHeaders) ? requestedHeaders : 'content-type, content-encoding, accept',
    ...(privateNetwork ? { 'access-control-allow-private-network': 'true' } : {}),
    'content-length': '0',
  });
  res.end();
}
