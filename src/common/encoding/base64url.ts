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

/** The alphabets are ASCII, so their char codes decode as UTF-8 to the same characters, natively. */
const ASCII = new TextDecoder();

/** Encodes bytes with a 64-character alphabet, without padding (ASCII codes first, then one native decode). */
export function encodeWithAlphabet(bytes: Uint8Array, alphabet: string): string {
  if (bytes.length <= SHORT) return encodeShort(bytes, alphabet);
  const table = new Uint8Array(64);
  for (let c = 0; c < 64; c++) table[c] = alphabet.charCodeAt(c);
  const length = bytes.length;
  const codes = new Uint8Array(Math.ceil((length * 4) / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[o++] = table[n >>> 18]!;
    codes[o++] = table[(n >>> 12) & 63]!;
    codes[o++] = table[(n >>> 6) & 63]!;
    codes[o++] = table[n & 63]!;
  }
  const rest = length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    codes[o++] = table[n >>> 18]!;
    codes[o++] = table[(n >>> 12) & 63]!;
    if (rest === 2) codes[o++] = table[(n >>> 6) & 63]!;
  }
  return ASCII.decode(codes.subarray(0, o));
}

/** Up to this many bytes, building the string directly beats a native decode call (keys, nonces, digests). */
const SHORT = 96;

function encodeShort(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63) + alphabet.charAt((n >>> 6) & 63) + alphabet.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63) + (rest === 2 ? alphabet.charAt((n >>> 6) & 63) : '');
  }
  return out;
}

function valueAt(text: string, i: number, lookup: Int16Array, name: string): number {
  const code = text.charCodeAt(i);
  const v = code < 128 ? lookup[code]! : -1;
  if (v < 0) throw new EncodingError(`${name}: invalid character at ${i}`);
  return v;
}

/** Decodes unpadded text with a reverse table in one pass; throws EncodingError on any non-canonical input. */
export function decodeWithLookup(text: string, lookup: Int16Array, name: string): Uint8Array {
  const length = text.length;
  if (length % 4 === 1) throw new EncodingError(`${name}: impossible length ${length}`);
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const n =
      (valueAt(text, i, lookup, name) << 18) |
      (valueAt(text, i + 1, lookup, name) << 12) |
      (valueAt(text, i + 2, lookup, name) << 6) |
      valueAt(text, i + 3, lookup, name);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = length - i;
  if (rest === 2) {
    const n = (valueAt(text, i, lookup, name) << 18) | (valueAt(text, i + 1, lookup, name) << 12);
    if (n & 0xffff) throw new EncodingError(`${name}: non-canonical trailing bits`);
    out[o++] = n >>> 16;
  } else if (rest === 3) {
    const n = (valueAt(text, i, lookup, name) << 18) | (valueAt(text, i + 1, lookup, name) << 12) | (valueAt(text, i + 2, lookup, name) << 6);
    if (n & 0xff) throw new EncodingError(`${name}: non-canonical trailing bits`);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
  }
  return out;
}

/**
 * A native base64url codec a host may install (`installBase64UrlCodec`; Node installs one on its Buffer,
 * src/node/encoding/bufferBase64Url.ts), used for fields longer than a key: the codec in this file stays the
 * definition and the fallback. `decode` answers `undefined` for any text that is not canonical unpadded
 * base64url, and this file's decoder then throws the precise EncodingError; so the two accept exactly the
 * same texts (test/crypto/encoding.test.ts).
 */
export interface Base64UrlCodec {
  encode(bytes: Uint8Array): string;
  /** The bytes in a fresh buffer of their own, or `undefined` when `text` is not canonical. */
  decode(text: string): Uint8Array | undefined;
}

let native: Base64UrlCodec | undefined;
/** Below this many bytes (or the text of that many) the JS codec is as fast as a native call. */
const NATIVE_MIN_BYTES = 48;
const NATIVE_MIN_TEXT = Math.ceil((NATIVE_MIN_BYTES * 4) / 3);

/** Installs (or, with `undefined`, removes) the native codec of this runtime. */
export function installBase64UrlCodec(codec: Base64UrlCodec | undefined): void {
  native = codec;
}

/** Bytes → base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  if (native !== undefined && bytes.length >= NATIVE_MIN_BYTES) return native.encode(bytes);
  return encodeWithAlphabet(bytes, ALPHABET);
}

/** Base64url without padding → bytes; throws EncodingError on padding, bad characters or trailing bits. */
export function fromBase64Url(text: string): Uint8Array {
  if (native !== undefined && text.length >= NATIVE_MIN_TEXT) {
    const bytes = native.decode(text);
    if (bytes !== undefined) return bytes;
  }
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
