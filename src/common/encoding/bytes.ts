/**
 * Byte-string helpers shared by the codecs: concatenation, big-endian integers, the length-prefixed tuple
 * encoding used for every HPKE `info`/`aad` and signature input (docs/protocol.md §2.3), and a
 * constant-time comparison.
 */
import { utf8Encode } from './utf8';

/** Concatenates byte strings. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Unsigned integer → big-endian bytes of the given width (I2OSP of RFC 8017 §4.1). */
export function i2osp(value: number, width: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * width)) {
    throw new RangeError(`i2osp: ${value} does not fit in ${width} bytes`);
  }
  const out = new Uint8Array(width);
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * Length-prefixed tuple: for each field, a 4-byte big-endian length then the bytes. Strings are UTF-8.
 * Unambiguous for any field contents, which is why every signature input and HPKE info/aad uses it.
 */
export function tuple(...fields: readonly (Uint8Array | string)[]): Uint8Array {
  // One allocation: the fields' bytes first (strings as UTF-8), then every length prefix written in place.
  const count = fields.length;
  const bytes: Uint8Array[] = new Array<Uint8Array>(count);
  let length = 0;
  for (let i = 0; i < count; i++) {
    const f = fields[i] as Uint8Array | string;
    const b = typeof f === 'string' ? utf8Encode(f) : f;
    if (b.length > 0xffffffff) throw new RangeError(`i2osp: ${b.length} does not fit in 4 bytes`);
    bytes[i] = b;
    length += 4 + b.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const b = bytes[i] as Uint8Array;
    const n = b.length;
    out[offset] = n >>> 24;
    out[offset + 1] = (n >>> 16) & 0xff;
    out[offset + 2] = (n >>> 8) & 0xff;
    out[offset + 3] = n & 0xff;
    offset += 4;
    // A native copy costs more than a loop for the short fields (labels, ids, nonces) most tuples hold.
    if (n > SHORT_COPY) out.set(b, offset);
    else for (let j = 0; j < n; j++) out[offset + j] = b[j] as number;
    offset += n;
  }
  return out;
}

/** Up to this many bytes, `tuple` copies a field by a loop rather than a native `set`. */
const SHORT_COPY = 32;

/** Equality of two byte strings in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Lower-case hex of bytes (for logs, tests and vectors). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Hex → bytes; throws RangeError on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('fromHex: not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
