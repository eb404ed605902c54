/**
 * Shared pieces of the wire schemas (docs/protocol.md §2): base64url fields of a fixed decoded length,
 * integer ranges, and `parseWire`, which turns any schema failure into a MalformedError and an
 * unknown `v` into an UnsupportedVersionError.
 */
import { z } from 'zod';
import { fromBase64Url, isBase64Url } from '../encoding/base64url';
import { isWellFormedUnicode } from '../encoding/utf8';
import { MalformedError, UnsupportedVersionError } from './errors';

/** A canonical base64url string whose decoded length is `length` (or within [min, max]). */
export function b64uField(length: number | { min: number; max: number }) {
  const [min, max] = typeof length === 'number' ? [length, length] : [length.min, length.max];
  return z.string().refine((s) => {
    if (s.length > Math.ceil((max * 4) / 3) || !isBase64Url(s)) return false;
    const n = fromBase64Url(s).length;
    return n >= min && n <= max;
  }, `must be base64url (no padding) of ${min === max ? min : `${min}-${max}`} bytes`);
}

/** Milliseconds since the Unix epoch, as a non-negative safe integer. */
export const TimestampMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A key version: 1 … 2^31 − 1 (fits the 4-byte field of every HPKE info). */
export const KeyVersionNumber = z.number().int().min(1).max(2 ** 31 - 1);

/** Human text that canonical JSON accepts (no lone surrogates). */
export function text(min: number, max: number) {
  return z.string().min(min).max(max).refine(isWellFormedUnicode, 'must be well-formed Unicode');
}

/** Parses `input` against a versioned schema: an object whose numeric `v` is not `version` is UnsupportedVersionError, anything else invalid is MalformedError. */
export function parseWire<S extends z.ZodType>(schema: S, input: unknown, what: string, version = 1): z.infer<S> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
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
