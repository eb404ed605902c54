/**
 * Standard base64 with padding (RFC 4648 §4): the encoding the PubNub SDKs use for encrypted payloads
 * (docs/protocol.md §8). Strict decoder: padding is required and must be canonical.
 */
import { buildLookup, decodeWithLookup, encodeWithAlphabet } from './base64url';
import { EncodingError } from './encodingError';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = buildLookup(ALPHABET);

/** Bytes → padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  const text = encodeWithAlphabet(bytes, ALPHABET);
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** Padded standard base64 → bytes; throws EncodingError on anything non-canonical. */
export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new EncodingError('base64: length is not a multiple of 4');
  const body = text.replace(/={1,2}$/, '');
  if (text.length - body.length > 0 && body.length % 4 === 0) throw new EncodingError('base64: bad padding');
  return decodeWithLookup(body, LOOKUP, 'base64');
}
