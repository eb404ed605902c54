/**
 * UTF-8 conversion (RFC 3629) on the TextEncoder/TextDecoder every runtime provides. Decoding is fatal:
 * invalid UTF-8 throws EncodingError instead of producing U+FFFD. A leading EF BB BF is kept as U+FEFF
 * (TextDecoder drops it by default), so decoding is the exact inverse of encoding: a text that starts with
 * U+FEFF comes back unchanged.
 */
import { EncodingError } from './encodingError';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Whether this runtime's decoder honours `ignoreBOM`; where it does not, the one U+FEFF it drops is put back. */
const KEEPS_BOM = decoder.decode(Uint8Array.of(0xef, 0xbb, 0xbf)) === '\uFEFF';

/** String → UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder specifies). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 bytes → string; throws EncodingError on invalid UTF-8. A leading EF BB BF comes back as U+FEFF. */
export function utf8Decode(bytes: Uint8Array): string {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new EncodingError('utf8: invalid UTF-8');
  }
  return !KEEPS_BOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? `\uFEFF${text}` : text;
}

/** True when the string has no lone surrogates, so it survives a UTF-8 round trip unchanged. */
export function isWellFormedUnicode(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
