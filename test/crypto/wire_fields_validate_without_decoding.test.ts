/**
 * The wire schemas check base64url fields without decoding them (`isCanonicalBase64Url`): the answer must
 * be exactly the strict decoder's — accepted iff `fromBase64Url` accepts the text and the decoded length is
 * within bounds — for arbitrary text, near-miss encodings (non-canonical trailing bits, impossible
 * lengths, characters outside the alphabet) and every length bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/common/encoding/base64url';
import { b64uField, isCanonicalBase64Url } from '../../src/common/protocol/wire';

function reference(s: string, min: number, max: number): boolean {
  try {
    const n = fromBase64Url(s).length;
    return n >= min && n <= max;
  } catch {
    return false;
  }
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const nearlyBase64 = fc.array(fc.constantFrom(...`${alphabet}=+/. é`.split('')), { maxLength: 40 }).map((cs) => cs.join(''));

describe('base64url fields are validated without decoding', () => {
  it('agrees with the strict decoder on arbitrary and nearly-base64url text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), nearlyBase64), fc.nat(30), fc.nat(30), (s, a, b) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        expect(isCanonicalBase64Url(s, min, max)).toBe(reference(s, min, max));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees on every last character of every length (the trailing-bit rule)', () => {
    for (let bytes = 0; bytes <= 7; bytes++) {
      const valid = toBase64Url(new Uint8Array(bytes).fill(0xa5));
      for (const c of alphabet) {
        const s = valid.length === 0 ? c : valid.slice(0, -1) + c;
        expect(isCanonicalBase64Url(s, 0, 16), s).toBe(reference(s, 0, 16));
      }
    }
  });

  it('the schema field accepts exactly the right decoded length', () => {
    const field = b64uField(32);
    expect(field.safeParse(toBase64Url(new Uint8Array(32))).success).toBe(true);
    expect(field.safeParse(toBase64Url(new Uint8Array(31))).success).toBe(false);
    expect(field.safeParse(toBase64Url(new Uint8Array(33))).success).toBe(false);
    expect(field.safeParse(`${toBase64Url(new Uint8Array(32)).slice(0, -1)}B`).success).toBe(false);
    expect(field.safeParse(42).success).toBe(false);
  });
});
