/**
 * Shared pieces of the wire schemas (docs/protocol.md §2): base64url fields of a fixed decoded length,
 * integer ranges, and `parseWire`, which turns any schema failure into a MalformedError and an
 * unknown `v` into an UnsupportedVersionError.
 */
import { z } from 'zod';
import { fromBase64Url } from '../encoding/base64url';
import { isWellFormedUnicode } from '../encoding/utf8';
import { MalformedError, UnsupportedVersionError } from './errors';

/** A canonical base64url string whose decoded length is `length` (or within [min, max]). */
export function b64uField(length: number | { min: number; max: number }) {
  const [min, max] = typeof length === 'number' ? [length, length] : [length.min, length.max];
  return z.string().refine((s) => isCanonicalBase64Url(s, min, max), `must be base64url (no padding) of ${min === max ? min : `${min}-${max}`} bytes`);
}

const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;

/** The 6-bit value of a base64url character already known to be in the alphabet. */
function sextet(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26-51
  if (code >= 65) return code - 65; // A-Z: 0-25
  if (code >= 48) return code - 48 + 52; // 0-9: 52-61
  return code === 45 ? 62 : 63; // '-', '_'
}

/**
 * True when `s` is what the strict decoder (`fromBase64Url`) accepts — alphabet, no padding, a possible
 * length, zero trailing bits — and decodes to `min`…`max` bytes, checked without decoding: the schemas
 * validate every binary field of a message or a 2,000-wrap record, and decoding them all only to count
 * bytes cost as much as the decoding that follows.
 */
export function isCanonicalBase64Url(s: string, min: number, max: number): boolean {
  const rest = s.length % 4;
  if (rest === 1 || s.length > Math.ceil((max * 4) / 3)) return false;
  const bytes = Math.floor((s.length * 3) / 4);
  if (bytes < min || bytes > max || !BASE64URL_TEXT.test(s)) return false;
  if (rest === 0) return true;
  const last = sextet(s.charCodeAt(s.length - 1));
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

/**
 * A counter of a signed object: an integer in [min, max]. `-0` passes `int().min(0)` but canonical JSON
 * refuses it (docs/protocol.md §2), so it is refused here, as malformed input, before any signature check.
 */
export function wireInt(min: number, max: number) {
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .refine((n) => !Object.is(n, -0), 'must not be -0');
}

/** Milliseconds since the Unix epoch, as a non-negative safe integer. */
export const TimestampMs = wireInt(0, Number.MAX_SAFE_INTEGER);

/** A key version: 1 … 2^31 − 1 (fits the 4-byte field of every HPKE info). */
export const KeyVersionNumber = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);

/** Human text that canonical JSON accepts (no lone surrogates). */
export function text(min: number, max: number) {
  return z.string().min(min).max(max).refine(isWellFormedUnicode, 'must be well-formed Unicode');
}

/** True when the schema is an object schema with a `v` member (a versioned object, docs/protocol.md §2.5). */
function declaresVersion(schema: z.ZodType): boolean {
  return schema instanceof z.ZodObject && Object.hasOwn(schema.shape, 'v');
}

/**
 * Parses `input` against a schema. For a versioned schema (one with a `v` member), an object whose numeric
 * `v` is not `version` is UnsupportedVersionError, checked before anything else. Objects without `v` (a key
 * wrap, the inner plaintext header) treat a `v` member like any other unknown member. Anything else
 * invalid is MalformedError.
 */
export function parseWire<S extends z.ZodType>(schema: S, input: unknown, what: string, version = 1): z.infer<S> {
  if (declaresVersion(schema) && typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const v = (input as { v?: unknown }).v;
    if (typeof v === 'number' && v !== version) throw new UnsupportedVersionError(`${what}: version ${v} is not supported (expected ${version})`);
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new MalformedError(`${what}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** Decodes a base64url field that the schema already validated. */
export function bytesOf(field: string): Uint8Array {
  return fromBase64Url(field);
}

/** Parses JSON text, turning a syntax error into MalformedError. */
export function parseJsonText(textValue: string, what: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    throw new MalformedError(`${what}: not valid JSON`);
  }
}
