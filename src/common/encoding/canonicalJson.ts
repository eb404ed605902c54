/**
 * Canonical JSON for signatures (docs/protocol.md §2.2): the subset of RFC 8785 (JCS) we need.
 * Values are null, booleans, strings, safe integers, arrays and plain objects — nothing else (no floats,
 * no -0, no lone surrogates); object members whose value is undefined are omitted, as JSON.stringify
 * does. Object keys are sorted by UTF-16 code units (RFC 8785 §3.2.3), there is no whitespace, and
 * strings are serialized as ECMAScript JSON.stringify does (RFC 8785 §3.2.2.2). For this subset the
 * output is byte-identical to JCS.
 */
import { EncodingError } from './encodingError';
import { isWellFormedUnicode } from './utf8';

/** A JSON value the canonical encoder accepts. */
export type CanonicalValue = null | boolean | string | number | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue };

/** Serializes a value canonically; throws EncodingError on anything outside the subset. */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

const MAX_DEPTH = 64;

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new EncodingError('canonical JSON: nesting too deep');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      if (!isWellFormedUnicode(value)) throw new EncodingError('canonical JSON: string has a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new EncodingError(`canonical JSON: ${value} is not a safe integer`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => write(v, depth + 1)).join(',')}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new EncodingError('canonical JSON: only plain objects');
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${write(k, depth + 1)}:${write(v, depth + 1)}`).join(',')}}`;
    }
    default:
      throw new EncodingError(`canonical JSON: ${typeof value} is not allowed`);
  }
}
