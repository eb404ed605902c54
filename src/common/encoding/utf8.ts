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

/**
 * Up to this many UTF-16 units, an ASCII string is copied code by code: a native encode call costs more
 * than the copy for the labels, ids and headers every seal, open and wrap encodes (docs/benchmarks.md).
 */
const SHORT_TEXT = 96;

/** String → UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder specifies). */
export function utf8Encode(text: string): Uint8Array {
  const n = text.length;
  if (n > SHORT_TEXT) return encoder.encode(text);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(text);
    out[i] = c;
  }
  return out;
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
