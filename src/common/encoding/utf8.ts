/**
 * UTF-8 conversion (RFC 3629) on the TextEncoder/TextDecoder every runtime provides. Decoding is fatal:
 * invalid UTF-8 throws EncodingError instead of producing U+FFFD.
 */
import { EncodingError } from './encodingError';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** String → UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder specifies). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 bytes → string; throws EncodingError on invalid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new EncodingError('utf8: invalid UTF-8');
  }
}

/** True when the string has no lone surrogates, so it survives a UTF-8 round trip unchanged. */
export function isWellFormedUnicode(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
