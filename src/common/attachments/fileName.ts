/**
 * File names inside attachment descriptors (docs/protocol.md §20.5). A name is shown to the reader and may
 * become a file on disk, so the wire refuses what could mislead or escape: control characters, Unicode
 * format characters (bidi overrides and isolates such as U+202E, which make "invoice‮fdp.exe" read as
 * "invoiceexe.pdf"; zero-width characters; the BOM), line and paragraph separators, path separators, "."
 * and "..", white space at either end, and more than 255 UTF-8 bytes (a file name on common file systems).
 * A sender does not refuse a local file for its name: `neutraliseFileName` turns any name into one the
 * wire accepts.
 */
import { isWellFormedUnicode, utf8Encode } from '../encoding/utf8';

/** The longest name in UTF-8 bytes. */
export const MAX_FILE_NAME_BYTES = 255;
/** Used when nothing of a name is left. */
export const FALLBACK_FILE_NAME = 'file';

/** Controls (Cc), format characters (Cf: bidi controls, zero-width, BOM, …), line/paragraph separators, path separators. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\]/u;
const FORBIDDEN_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const EDGE_SPACE = /^[\s\p{Z}]|[\s\p{Z}]$/u;

/** True when the wire accepts `name` as it is. */
export function isAcceptableFileName(name: string): boolean {
  if (name.length === 0 || !isWellFormedUnicode(name)) return false;
  if (name === '.' || name === '..' || FORBIDDEN.test(name) || EDGE_SPACE.test(name)) return false;
  return utf8Encode(name).length <= MAX_FILE_NAME_BYTES;
}

/**
 * A name the wire accepts, as close to `name` as possible: NFC; lone surrogates → U+FFFD; controls,
 * format characters and separators removed; `/` and `\` → `_`; white space trimmed; cut to 255 UTF-8
 * bytes at a character boundary, keeping an extension of up to 16 characters; `file` when nothing is left.
 */
export function neutraliseFileName(name: string): string {
  let out = wellFormed(name).normalize('NFC').replace(/[/\\]/g, '_').replace(FORBIDDEN_ALL, '');
  out = trimSpace(out);
  if (utf8Encode(out).length > MAX_FILE_NAME_BYTES) out = shorten(out);
  if (out === '' || out === '.' || out === '..') return FALLBACK_FILE_NAME;
  return out;
}

function trimSpace(s: string): string {
  return s.replace(/^[\s\p{Z}]+|[\s\p{Z}]+$/gu, '');
}

function wellFormed(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch;
  }
  return out;
}

/** Cuts the stem so that stem ‖ extension fits in MAX_FILE_NAME_BYTES. */
function shorten(s: string): string {
  const dot = s.lastIndexOf('.');
  const ext = dot > 0 && s.length - dot <= 17 ? s.slice(dot) : '';
  const budget = MAX_FILE_NAME_BYTES - utf8Encode(ext).length;
  let stem = '';
  let bytes = 0;
  for (const ch of ext ? s.slice(0, dot) : s) {
    const n = utf8Encode(ch).length;
    if (bytes + n > budget) break;
    stem += ch;
    bytes += n;
  }
  return trimSpace(stem) + ext;
}
