/**
 * The attachment descriptor (docs/protocol.md §20.5): a closed, versioned object whose file name cannot
 * mislead (bidi overrides, controls, invisible characters) or escape a folder (separators, "..") and whose
 * parts must add up to the ciphertext; a sender's local name is neutralised into one the wire accepts.
 */
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { parseAttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { isAcceptableFileName, MAX_FILE_NAME_BYTES, neutraliseFileName } from '../../src/common/attachments/fileName';
import { ciphertextSize } from '../../src/common/attachments/format';
import { normaliseMediaType } from '../../src/common/attachments/mediaType';

const b64 = (n: number, fill = 1) => toBase64Url(new Uint8Array(n).fill(fill));
const base = {
  v: 1,
  key: b64(32),
  size: 1000,
  chunkSize: 65_536,
  sha256: b64(32, 2),
  mediaType: 'image/png',
  fileName: 'screenshot.png',
  parts: [{ ref: 'files/abc/screenshot.bin', size: ciphertextSize(1000, 65_536), sha256: b64(32, 2) }],
};
const thumbnail = {
  key: b64(32, 3),
  size: 2000,
  chunkSize: 65_536,
  sha256: b64(32, 4),
  mediaType: 'image/jpeg',
  width: 320,
  height: 200,
  parts: [{ ref: 't', size: ciphertextSize(2000, 65_536), sha256: b64(32, 4) }],
};

describe('the attachment descriptor', () => {
  it('parses a well-formed descriptor, with and without a thumbnail', () => {
    expect(parseAttachmentDescriptor(base)).toEqual(base);
    expect(parseAttachmentDescriptor({ ...base, thumbnail })).toEqual({ ...base, thumbnail });
  });

  it.each([
    ['right-to-left override', 'invoice\u202efdp.exe'],
    ['right-to-left isolate', 'a\u2067b.pdf'],
    ['left-to-right mark', 'a\u200eb.pdf'],
    ['zero-width space', 'pay\u200bpal.pdf'],
    ['byte-order mark', '\ufeffa.pdf'],
    ['newline', 'a\nb.pdf'],
    ['NUL', 'a\u0000b'],
    ['C1 control', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
    ['slash', 'dir/a.pdf'],
    ['backslash', '..\\a.pdf'],
    ['dot-dot', '..'],
    ['dot', '.'],
    ['empty', ''],
    ['leading space', ' a.pdf'],
    ['trailing space', 'a.pdf '],
    ['lone surrogate', 'a\ud800.pdf'],
    ['256 UTF-8 bytes', 'é'.repeat(128)],
  ])('refuses a file name with a %s as malformed', (_what, fileName) => {
    expect(() => parseAttachmentDescriptor({ ...base, fileName })).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it.each([
    ['parts that do not add up', { parts: [{ ...base.parts[0]!, size: 10 }] }],
    ['no parts', { parts: [] }],
    ['a part that is null', { parts: [null] }],
    ['a part reference with a space', { parts: [{ ...base.parts[0]!, ref: 'a b' }] }],
    ['a media type with parameters', { mediaType: 'text/plain; charset=utf-8' }],
    ['an upper-case media type', { mediaType: 'Image/PNG' }],
    ['a chunk size below 64', { chunkSize: 32 }],
    ['a negative size', { size: -1 }],
    ['a 16-byte key', { key: b64(16) }],
    ['an unknown member', { url: 'https://x' }],
    ['a thumbnail that is a GIF', { thumbnail: { ...thumbnail, mediaType: 'image/gif' } }],
    ['a thumbnail over 256 KiB', { thumbnail: { ...thumbnail, size: 262_145, parts: [{ ...thumbnail.parts[0]!, size: ciphertextSize(262_145, 65_536) }] } }],
  ])('refuses %s as malformed', (_what, change) => {
    expect(() => parseAttachmentDescriptor({ ...base, ...change })).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('refuses version 2 as unsupported_version', () => {
    expect(() => parseAttachmentDescriptor({ ...base, v: 2 })).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
  });
});

describe('a sender’s file name', () => {
  it.each([
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['  report\n2026.pdf\t', 'report2026.pdf'],
    ['pay\u200bpal\ufeff.pdf', 'paypal.pdf'],
    ['a\ud800b', 'a\ufffdb'],
    ['..', 'file'],
    ['\u202e', 'file'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['Résumé 2026.pdf', 'Résumé 2026.pdf'],
  ])('%j is neutralised to %j, which the wire accepts', (input, output) => {
    expect(neutraliseFileName(input)).toBe(output);
    expect(isAcceptableFileName(output)).toBe(true);
  });

  it('is cut to 255 UTF-8 bytes at a character boundary, keeping the extension', () => {
    const out = neutraliseFileName(`${'日本'.repeat(100)}.pdf`);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(out.endsWith('.pdf')).toBe(true);
    expect(isAcceptableFileName(out)).toBe(true);
  });

  it('has its media type lower-cased without parameters, or application/octet-stream', () => {
    expect(normaliseMediaType('Text/Plain; charset=UTF-8')).toBe('text/plain');
    expect(normaliseMediaType('not a type')).toBe('application/octet-stream');
  });
});
