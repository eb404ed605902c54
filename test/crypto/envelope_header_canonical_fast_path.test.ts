/**
 * The envelope AAD writes a well-formed header straight in canonical order instead of through the generic
 * canonical-JSON encoder; the bytes must be identical for every header — well-formed ones (the fast path)
 * and odd ones (ids outside the id alphabet, other versions and types: the generic path). A sealer's header
 * is validated the same way: plainly valid fields directly, anything else by the schema — the same header
 * or the same typed error for every input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { utf8Encode } from '../../src/common/encoding/utf8';
import {
  envelopeAad,
  envelopeHeaderOf,
  EnvelopeHeaderSchema,
  EnvelopeSchema,
  parseEnvelope,
  type EnvelopeHeader,
  type EnvelopeType,
} from '../../src/common/protocol/envelope';
import { parseWire } from '../../src/common/protocol/wire';

const idChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const id = fc.array(fc.constantFrom(...idChars.split('')), { minLength: 8, maxLength: 64 }).map((cs) => cs.join(''));
const oddId = fc.oneof(
  id,
  fc.string({ maxLength: 70 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
);

/** What a call answers: its value, or its error's name, code and message (to compare two paths). */
function outcome<T>(run: () => T): { value: T } | { error: unknown[] } {
  try {
    return { value: run() };
  } catch (err) {
    const e = err as { name: string; code?: string; message: string };
    return { error: [e.name, e.code, e.message] };
  }
}

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

  it('validates a sealed header exactly as the schema does: same header, or the same typed error', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom('message', 'receipt', 'reaction', 'presence', 'other', ''),
          conversationId: fc.oneof(id, oddId, fc.constant('short'), fc.constant('x'.repeat(65))),
          keyVersion: fc.oneof(
            fc.integer({ min: 1, max: 2 ** 31 - 1 }),
            fc.constantFrom(0, -0, -1, 2 ** 31, 2 ** 31 - 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2),
          ),
          senderDevice: fc.oneof(id, oddId),
        }),
        (f) => {
          const fields = { ...f, type: f.type as EnvelopeType };
          expect(outcome(() => envelopeHeaderOf(fields))).toEqual(outcome(() => parseWire(EnvelopeHeaderSchema, { v: 1, ...fields }, 'envelope header')));
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('parses an envelope exactly as the schema does: the same envelope, or the same typed error', () => {
    const b64 = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('base64url'));
    const oddB64 = fc.oneof(
      b64(11),
      b64(13),
      b64(64).map((t) => `${t}=`),
      b64(12).map((t) => `${t.slice(0, -1)}B`),
      fc.constantFrom('', 'AAAA+AAAAAAAAAAA', 'x'),
    );
    const member = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
    fc.assert(
      fc.property(
        fc.record(
          {
            v: member(fc.constant(1), fc.constantFrom(2, 0, '1', -0)),
            type: member(fc.constantFrom('message', 'receipt', 'attachment'), fc.constantFrom('other', 3)),
            conversationId: member(id, oddId),
            keyVersion: member(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(0, -0, 2 ** 31, 1.5, '2')),
            senderDevice: member(id, oddId),
            nonce: member(b64(12), oddB64),
            ciphertext: member(fc.integer({ min: 16, max: 600 }).chain(b64), oddB64),
            signature: member(b64(64), oddB64),
            pn_apns: fc.constant({ aps: { alert: 'x' } }),
            extra: fc.constant(true),
          },
          { requiredKeys: ['v', 'type', 'conversationId', 'keyVersion', 'senderDevice', 'nonce', 'ciphertext', 'signature'] },
        ),
        (input) => {
          expect(outcome(() => parseEnvelope(input))).toEqual(outcome(() => parseWire(EnvelopeSchema, input, 'envelope')));
        },
      ),
      { numRuns: 3_000 },
    );
    for (const odd of [null, [], 'text', Object.assign(Object.create({ inherited: 1 }) as object, { v: 1 })])
      expect(outcome(() => parseEnvelope(odd))).toEqual(outcome(() => parseWire(EnvelopeSchema, odd, 'envelope')));
  });
});
