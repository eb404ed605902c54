/**
 * The inner plaintext of envelopes and broadcasts (docs/protocol.md §7.2): message id, send time, a data
 * type and the body. The body is converted to bytes canonically as Ably's encryption spec does
 * (seed 001): string → its UTF-8; binary → the bytes unchanged; json → UTF-8 of JSON.stringify(value).
 *   plaintext = tuple(canonicalJson({id, sentAt, type}), bodyBytes)
 */
import { z } from 'zod';
import { tuple } from '../encoding/bytes';
import { canonicalJson } from '../encoding/canonicalJson';
import { EncodingError } from '../encoding/encodingError';
import { isWellFormedUnicode, utf8Decode, utf8Encode } from '../encoding/utf8';
import { isId, MessageIdSchema, type MessageId } from '../ids';
import { MalformedError } from './errors';
import { missingCase } from '../errors';
import { parseJsonText, parseWire, TimestampMs } from './wire';

/** The data types of a body. */
export type BodyType = 'string' | 'binary' | 'json';

/** A JSON value (the body of a `json` message). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A decrypted message. */
export type MessagePlaintext =
  | { readonly id: MessageId; readonly sentAt: number; readonly type: 'string'; readonly body: string }
  | { readonly id: MessageId; readonly sentAt: number; readonly type: 'binary'; readonly body: Uint8Array }
  | { readonly id: MessageId; readonly sentAt: number; readonly type: 'json'; readonly body: JsonValue };

const MetaSchema = z.strictObject({ id: MessageIdSchema, sentAt: TimestampMs, type: z.enum(['string', 'binary', 'json']) });

/** Canonical bytes of a body (Ably's conversion). */
export function bodyBytes(plaintext: MessagePlaintext): Uint8Array {
  switch (plaintext.type) {
    case 'string':
      if (typeof plaintext.body !== 'string' || !isWellFormedUnicode(plaintext.body)) throw new MalformedError('string body must be well-formed Unicode text');
      return utf8Encode(plaintext.body);
    case 'binary':
      if (!(plaintext.body instanceof Uint8Array)) throw new MalformedError('binary body must be a Uint8Array');
      return plaintext.body;
    case 'json': {
      const text = JSON.stringify(plaintext.body);
      if (text === undefined || !isWellFormedUnicode(text)) throw new MalformedError('json body must be a JSON value');
      return utf8Encode(text);
    }
    default:
      throw missingCase(plaintext);
  }
}

/** Encodes the inner plaintext. */
export function encodePlaintext(plaintext: MessagePlaintext): Uint8Array {
  return tuple(canonicalMeta(plaintext), bodyBytes(plaintext));
}

const BODY_TYPES: ReadonlySet<unknown> = new Set(['string', 'binary', 'json']);

/**
 * canonicalJson of {id, sentAt, type}. Well-formed values (an id of `[A-Za-z0-9_-]`, which JSON never
 * escapes; a safe non-negative integer time; a known type) are written straight in canonical member order
 * — the same bytes without the schema check and the generic encoder on every seal; anything else (-0
 * included, which canonicalJson refuses) goes through both, which throw (test/crypto/plaintext_fast_path_matches_generic.test.ts).
 */
function canonicalMeta(p: MessagePlaintext): string {
  if (isId(p.id) && Number.isSafeInteger(p.sentAt) && p.sentAt >= 0 && !Object.is(p.sentAt, -0) && BODY_TYPES.has(p.type))
    return `{"id":"${p.id}","sentAt":${p.sentAt},"type":"${p.type}"}`;
  return canonicalJson(parseWire(MetaSchema, { id: p.id, sentAt: p.sentAt, type: p.type }, 'message'));
}

/** Decodes the inner plaintext; MalformedError for any structural problem. */
export function decodePlaintext(bytes: Uint8Array): MessagePlaintext {
  const [metaBytes, rest] = take(bytes, 0);
  const [body, end] = take(bytes, rest);
  if (end !== bytes.length) throw new MalformedError('plaintext: trailing bytes');
  const metaText = text(metaBytes);
  const meta = canonicalMetaOf(metaText) ?? parseWire(MetaSchema, parseJsonText(metaText, 'plaintext header'), 'plaintext header');
  switch (meta.type) {
    case 'string':
      return { ...meta, type: 'string', body: text(body) };
    case 'binary':
      return { ...meta, type: 'binary', body };
    case 'json':
      return { ...meta, type: 'json', body: parseJsonText(text(body), 'json body') as JsonValue };
    default:
      throw missingCase(meta.type);
  }
}

/** The canonical header text `canonicalMeta` writes for a well-formed header, and nothing else. */
const CANONICAL_META = /^\{"id":"([A-Za-z0-9_-]{8,64})","sentAt":(0|[1-9][0-9]{0,15}),"type":"(string|binary|json)"\}$/;

/**
 * The header of a plaintext whose header text is exactly what `canonicalMeta` writes (every honest
 * sender's): read by one regular expression instead of JSON.parse and the schema — the same object they
 * answer; `undefined` for any other text, which then goes through both (test/crypto/plaintext_fast_path_matches_generic.test.ts).
 */
function canonicalMetaOf(metaText: string): { id: MessageId; sentAt: number; type: BodyType } | undefined {
  const m = CANONICAL_META.exec(metaText);
  if (m === null) return undefined;
  const sentAt = Number(m[2]);
  if (!Number.isSafeInteger(sentAt)) return undefined;
  return { id: m[1] as MessageId, sentAt, type: m[3] as BodyType };
}

function take(bytes: Uint8Array, offset: number): [Uint8Array, number] {
  if (offset + 4 > bytes.length) throw new MalformedError('plaintext: truncated length');
  const n = (((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0)) >>> 0;
  const start = offset + 4;
  if (start + n > bytes.length) throw new MalformedError('plaintext: truncated field');
  return [bytes.subarray(start, start + n), start + n];
}

function text(bytes: Uint8Array): string {
  try {
    return utf8Decode(bytes);
  } catch (err) {
    if (err instanceof EncodingError) throw new MalformedError(`plaintext: ${err.message}`);
    throw err;
  }
}
