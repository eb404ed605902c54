/**
 * One parsed HTTP request as the relay's routes see it: method, raw path (kept encoded: it is what v2
 * signatures cover), decoded query values, and a bounded body reader that inflates `Content-Encoding: deflate`
 * publish bodies and falls back to the raw bytes when they are not deflated (docs/pubnub-wire.md §0).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inflateSync } from 'node:zlib';
import { BadRequestError, PayloadTooLargeError } from '../errors';
import { LIMITS } from '../options';
import { decodeComponent } from './percentEncoding';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'OPTIONS';

export interface Incoming {
  readonly method: HttpMethod;
  /** Path exactly as received, still percent-encoded. */
  readonly rawPath: string;
  readonly segments: readonly string[];
  readonly query: ReadonlyMap<string, string>;
  /** The body, inflated when deflated; empty for GET. */
  body(): Promise<Buffer>;
  /**
   * The raw body (never inflated) for uploads larger than `body()` takes: refused with a 413 when its declared
   * length passes `max`, or as soon as the bytes read do; the rest is then discarded, not kept.
   */
  bodyUpTo(max: number): Promise<Buffer>;
  /** The request's `content-type` header ('' when absent). */
  readonly contentType: string;
  /** The request's `host` header when it is a plain host[:port] ('' otherwise), for absolute URLs in answers. */
  readonly host: string;
  /** Resolves when the exchange ends: answered, or the client went away. */
  readonly closed: Promise<void>;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS']);

export function parseMethod(method: string | undefined): HttpMethod | undefined {
  return method !== undefined && METHODS.has(method) ? (method as HttpMethod) : undefined;
}

export function parseQuery(raw: string): Map<string, string> {
  const query = new Map<string, string>();
  if (raw.length === 0) return query;
  for (const pair of raw.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    try {
      query.set(decodeURIComponent(key), decodeURIComponent(value));
    } catch {
      throw new BadRequestError('malformed_query', `Malformed percent-encoding in query parameter ${key.slice(0, 40)}`);
    }
  }
  return query;
}

export function splitPath(rawPath: string): string[] {
  if (!rawPath.startsWith('/')) throw new BadRequestError('malformed_path', 'Path must start with /');
  const segments = rawPath.slice(1).split('/');
  for (const segment of segments) decodeComponent(segment, 'path');
  return segments;
}

async function readLimited(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > LIMITS.bodyBytes) throw new PayloadTooLargeError('body_too_large', 'Request body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMITS.bodyBytes) throw new PayloadTooLargeError('body_too_large', 'Request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Past a refused upload's bound, how much more the relay reads and drops before it hangs up. Within it the
 * refusal is answered after the body ends, so the client reads a 413 rather than a broken connection (which
 * the SDK would retry); memory holds at most `max` bytes either way.
 */
const DISCARD_BYTES = 16 * 1024 * 1024;

function readUpTo(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
    };
    const tooLarge = () => new PayloadTooLargeError('body_too_large', `The upload is larger than the relay's ${max} bytes`);
    if (declared > max + DISCARD_BYTES) {
      reject(tooLarge());
      return;
    }
    if (declared > max) refuse();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max + DISCARD_BYTES) {
        reject(tooLarge());
        req.destroy();
      } else if (size > max) refuse();
      else if (!refused) chunks.push(chunk);
    });
    req.once('end', () => (refused ? reject(tooLarge()) : resolve(Buffer.concat(chunks, size))));
    // A client that goes away mid-upload ends it here, as a typed refusal nobody reads (the upload must settle).
    const brokeOff = () => reject(new BadRequestError('invalid_parameter', 'The upload broke off before its body was complete'));
    req.once('error', brokeOff);
    req.once('close', () => {
      if (!req.complete) brokeOff();
    });
  });
}

function inflateOrRaw(raw: Buffer): Buffer {
  try {
    return inflateSync(raw, { maxOutputLength: LIMITS.inflatedBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError('body_too_large', 'Inflated request body is too large');
    }
    return raw;
  }
}

export function toIncoming(req: IncomingMessage, res: ServerResponse, method: HttpMethod, url: string): Incoming {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = parseQuery(q === -1 ? '' : url.slice(q + 1));
  const segments = splitPath(rawPath);
  let bodyPromise: Promise<Buffer> | undefined;
  const contentType = String(req.headers['content-type'] ?? '');
  const hostHeader = String(req.headers.host ?? '');
  const host = /^[A-Za-z0-9.-]{1,253}(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?$/.test(hostHeader) ? hostHeader : '';
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  return {
    method,
    rawPath,
    segments,
    query,
    closed,
    contentType,
    host,
    bodyUpTo: (max) => {
      bodyPromise ??= readUpTo(req, max);
      return bodyPromise;
    },
    body: () => {
      bodyPromise ??= readLimited(req).then((raw) => (/deflate/i.test(String(req.headers['content-encoding'] ?? '')) ? inflateOrRaw(raw) : raw));
      return bodyPromise;
    },
  };
}
