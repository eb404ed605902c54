/**
 * Encoding helpers: base64url/base64 against Node's Buffer (an independent implementation) and RFC 4648
 * §10 test vectors, strictness of the decoders, canonical JSON against RFC 8785 examples, tuples.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64 } from '../../src/common/encoding/base64';
import { decodeWithLookup, fromBase64Url, installBase64UrlCodec, toBase64Url, buildLookup, encodeWithAlphabet } from '../../src/common/encoding/base64url';
import { constantTimeEqual, fromHex, i2osp, toHex, tuple } from '../../src/common/encoding/bytes';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { utf8Decode, utf8Encode } from '../../src/common/encoding/utf8';
import { bufferBase64Url } from '../../src/node/encoding/bufferBase64Url';

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const jsDecode = (text: string) => decodeWithLookup(text, buildLookup(URL_ALPHABET), 'base64url');

describe('base64url and base64', () => {
  it('match RFC 4648 §10', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of cases) {
      const bytes = new TextEncoder().encode(plain);
      expect(toBase64(bytes)).toBe(b64);
      expect(toBase64Url(bytes)).toBe(b64.replace(/=+$/, ''));
      expect(fromBase64(b64)).toEqual(bytes);
    }
  });

  it('agree with Buffer on random bytes, both ways (short inputs and the chunked path for long ones)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 90, maxLength: 6000 })), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it("Node's native codec accepts exactly the texts the JS decoder accepts, with the same bytes, and encodes the same", () => {
    const near = fc
      .array(fc.constantFrom(...`${URL_ALPHABET}=+/ \né.`.split(''), 'A', 'g', 'Q', 'w'), { minLength: 60, maxLength: 400 })
      .map((cs) => cs.join(''));
    const canonicalThenChanged = fc
      .tuple(fc.uint8Array({ minLength: 48, maxLength: 300 }), fc.nat(), fc.constantFrom('=', '+', '/', ' ', 'é', '', 'A', 'B', '=='))
      .map(([bytes, at, c]) => {
        const text = toBase64Url(bytes);
        const i = at % (text.length + 1);
        return c === '' ? text.slice(0, -1) : text.slice(0, i) + c + text.slice(i + (c.length === 1 && c !== '=' && c !== '==' ? 1 : 0));
      });
    fc.assert(
      fc.property(fc.oneof(near, canonicalThenChanged), (text) => {
        let js: Uint8Array | 'refused';
        try {
          js = jsDecode(text);
        } catch {
          js = 'refused';
        }
        const native = bufferBase64Url.decode(text);
        expect(native ?? 'refused').toEqual(js);
        if (native !== undefined) expect(native).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(bufferBase64Url.encode(bytes)).toBe(encodeWithAlphabet(bytes, URL_ALPHABET));
      }),
    );
  });

  it('the native codec is used only when installed, and a refused text keeps its precise error', () => {
    const long = new Uint8Array(90).map((_, i) => i);
    installBase64UrlCodec(undefined);
    try {
      expect(toBase64Url(long)).toBe(Buffer.from(long).toString('base64url'));
      expect(fromBase64Url(toBase64Url(long))).toEqual(long);
    } finally {
      installBase64UrlCodec(bufferBase64Url);
    }
    const decoded = fromBase64Url(toBase64Url(long));
    expect(decoded).toEqual(long);
    expect(decoded.buffer.byteLength).toBe(long.length);
    expect(() => fromBase64Url(`${toBase64Url(long)}==`)).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('decoders reject padding, foreign characters, impossible lengths and non-canonical bits', () => {
    for (const bad of ['Zg==', 'Zh', 'Z', 'Zm9v+', 'Zm9v/', 'Zm 9', 'Zm9vé'])
      expect(() => fromBase64Url(bad), bad).toThrow(expect.objectContaining({ code: 'malformed' }));
    for (const bad of ['Zg', 'Zh==', 'Zg=', 'Z===', 'Zm9v-_==', '===='])
      expect(() => fromBase64(bad), bad).toThrow(expect.objectContaining({ code: 'malformed' }));
  });
});

describe('UTF-8', () => {
  it('encodes exactly as TextEncoder, on the short-ASCII path and off it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: 'grapheme-ascii', maxLength: 200 })),
        (text) => {
          expect(utf8Encode(text)).toEqual(new TextEncoder().encode(text));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe('canonical JSON', () => {
  it('sorts keys by UTF-16 code units and has no whitespace (RFC 8785 §3.2.3 example order)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = [...canonicalJson(value).matchAll(/"([^"]*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(canonicalJson({ b: [1, { d: null, c: true }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":true,"d":null}]}');
  });

  it('escapes strings exactly as JSON.stringify', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(canonicalJson(s)).toBe(JSON.stringify(s));
      }),
    );
  });

  it('rejects values outside the subset', () => {
    for (const bad of [1.5, -0, Number.MAX_SAFE_INTEGER + 1, NaN, undefined, () => 1, new Date(0), '\ud800', { a: 1n }]) {
      expect(() => canonicalJson(bad)).toThrow(expect.objectContaining({ code: 'malformed' }));
    }
  });
});

describe('bytes', () => {
  it('tuple is length-prefixed with 4-byte big-endian lengths', () => {
    expect(toHex(tuple('ab', Uint8Array.of(1)))).toBe('00000002616200000001' + '01');
    expect(toHex(i2osp(258, 2))).toBe('0102');
    expect(() => i2osp(256, 1)).toThrow(RangeError);
  });

  it('constantTimeEqual, hex round trip, fatal UTF-8', () => {
    expect(constantTimeEqual(fromHex('0102'), Uint8Array.of(1, 2))).toBe(true);
    expect(constantTimeEqual(fromHex('0102'), Uint8Array.of(1, 3))).toBe(false);
    expect(constantTimeEqual(fromHex('01'), Uint8Array.of(1, 2))).toBe(false);
    expect(() => utf8Decode(Uint8Array.of(0xc3))).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('UTF-8 decoding keeps a leading EF BB BF as U+FEFF (the exact inverse of encoding)', () => {
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\uFEFFa');
    expect(utf8Decode(new TextEncoder().encode('\uFEFF\uFEFFx'))).toBe('\uFEFF\uFEFFx');
  });

  it('UTF-8 decoding keeps U+FEFF on a runtime whose TextDecoder ignores ignoreBOM', async () => {
    const Real = globalThis.TextDecoder;
    class DropsBom {
      private readonly inner: InstanceType<typeof Real>;
      constructor(label?: string, options?: { fatal?: boolean }) {
        this.inner = new Real(label, { fatal: options?.fatal ?? false });
      }
      decode(input?: Uint8Array): string {
        return this.inner.decode(input);
      }
    }
    vi.resetModules();
    vi.stubGlobal('TextDecoder', DropsBom);
    try {
      const { utf8Decode: decode } = await import('../../src/common/encoding/utf8');
      for (const text of ['\uFEFFa', '\uFEFF\uFEFFx', 'plain', '']) expect(decode(new TextEncoder().encode(text))).toBe(text);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
