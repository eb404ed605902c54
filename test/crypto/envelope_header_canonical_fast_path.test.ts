/**
 * The envelope AAD writes a well-formed header straight in canonical order instead of through the generic
 * canonical-JSON encoder; the bytes must be identical for every header — well-formed ones (the fast path)
 * and odd ones (ids outside the id alphabet, other versions and types: the generic path).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { envelopeAad, type EnvelopeHeader } from '../../src/common/protocol/envelope';

const idChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const id = fc.array(fc.constantFrom(...idChars.split('')), { minLength: 8, maxLength: 64 }).map((cs) => cs.join(''));
const oddId = fc.oneof(
  id,
  fc.string({ maxLength: 70 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
);

describe('envelope header canonical fast path', () => {
  it('gives the canonical JSON bytes of any header', () => {
    fc.assert(
      fc.property(
        fc.record({
          v: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 3 })),
          type: fc.constantFrom('message', 'receipt', 'control', 'other'),
          conversationId: oddId,
          keyVersion: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
          senderDevice: oddId,
        }),
        (h) => {
          const header = h as unknown as EnvelopeHeader;
          expect(envelopeAad(header)).toEqual(utf8Encode(canonicalJson({ ...h })));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
