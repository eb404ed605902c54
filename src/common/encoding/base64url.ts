/**
 * Base64url without padding (RFC 4648 §5), the encoding of every binary field in our JSON (docs/protocol.md §2.1).
 * The decoder is strict: it rejects padding, characters outside the alphabet, and non-canonical trailing
 * bits, so each byte string has exactly one accepted encoding.
 */
import { EncodingError } from './encodingError';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = buildLookup(ALPHABET);

/** Reverse table of a 64-character alphabet: char code → value, -1 for characters outside it. */
export function buildLookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

/** Encodes bytes with a 64-character alphabet, without padding. */
export function encodeWithAlphabet(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63) + alphabet.charAt((n >>> 6) & 63) + alphabet.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63) + alphabet.charAt((n >>> 6) & 63);
  }
  return out;
}

/** Decodes unpadded text with a reverse table; throws EncodingError on any non-canonical input. */
export function decodeWithLookup(text: string, lookup: Int16Array, name: string): Uint8Array {
  if (text.length % 4 === 1) throw new EncodingError(`${name}: impossible length ${text.length}`);
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (lookup[code] ?? -1) : -1;
    if (v < 0) throw new EncodingError(`${name}: invalid character at ${i}`);
    values[i] = v;
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < values.length; i += 4) {
    const n = ((values[i] ?? 0) << 18) | ((values[i + 1] ?? 0) << 12) | ((values[i + 2] ?? 0) << 6) | (values[i + 3] ?? 0);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = values.length - i;
  if (rest === 2) {
    const n = ((values[i] ?? 0) << 18) | ((values[i + 1] ?? 0) << 12);
    if (n & 0xffff) throw new EncodingError(`${name}: non-canonical trailing bits`);
    out[o++] = n >>> 16;
  } else if (rest === 3) {
    const n = ((values[i] ?? 0) << 18) | ((values[i + 1] ?? 0) << 12) | ((values[i + 2] ?? 0) << 6);
    if (n & 0xff) throw new EncodingError(`${name}: non-canonical trailing bits`);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
  }
  return out;
}

/** Bytes → base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return encodeWithAlphabet(bytes, ALPHABET);
}

/** Base64url without padding → bytes; throws EncodingError on padding, bad characters or trailing bits. */
export function fromBase64Url(text: string): Uint8Array {
  return decodeWithLookup(text, LOOKUP, 'base64url');
}

/** True when `text` is canonical unpadded base64url. */
export function isBase64Url(text: string): boolean {
  try {
    fromBase64Url(text);
    return true;
  } catch {
    return false;
  }
}
