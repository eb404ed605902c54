/**
 * The hot-path encoders give exactly the bytes of the generic definitions (fast-check): `tuple` (one
 * allocation, prefixes written in place) against the length-prefixed concatenation of docs/protocol.md
 * §2.3, and `encodePlaintext`'s direct header against canonicalJson of the schema-checked
 * {id, sentAt, type} (§7.2) — the same bytes for every well-formed input, and the same typed error for
 * every input the definition refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, i2osp, toHex, tuple } from '../../src/common/encoding/bytes';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { MessageIdSchema } from '../../src/common/ids';
import { MalformedError } from '../../src/common/protocol/errors';
import { bodyBytes, decodePlaintext, encodePlaintext, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import { parseJsonText, parseWire } from '../../src/common/protocol/wire';
import { z } from 'zod';
import { TimestampMs } from '../../src/common/protocol/wire';

function tupleByDefinition(...fields: readonly (Uint8Array | string)[]): Uint8Array {
  return concatBytes(...fields.flatMap((f) => (typeof f === 'string' ? utf8Encode(f) : f)).flatMap((b) => [i2osp(b.length, 4), b]));
}

function encodeByDefinition(p: MessagePlaintext): Uint8Array {
  const meta = { id: p.id, sentAt: p.sentAt, type: p.type };
  if (!MessageIdSchema.safeParse(meta.id).success || !TimestampMs.safeParse(meta.sentAt).success || !['string', 'binary', 'json'].includes(meta.type))
    throw new MalformedError('refused by the schema');
  return tupleByDefinition(canonicalJson(meta), bodyBytes(p));
}

const idChars = fc.constantFrom(...'ABCXYZabcxyz0189_-'.split(''), 'é', '"', '\\\\', ' ', '\u2028');
const anyId = fc.oneof(fc.string({ unit: idChars, minLength: 6, maxLength: 70 }), fc.constant('message-0001'));
const anyTime = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(-1), fc.constant(1.5), fc.constant(-0), fc.constant(2 ** 53));

describe('hot-path encoders match their definitions', () => {
  it('tuple: any mix of strings and byte strings', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 })), { maxLength: 6 }), (fields) => {
        expect(toHex(tuple(...fields))).toBe(toHex(tupleByDefinition(...fields)));
      }),
      { numRuns: 500 },
    );
  });

  it('encodePlaintext: same bytes for every accepted header, the same typed error for every refused one', () => {
    fc.assert(
      fc.property(anyId, anyTime, fc.constantFrom('string', 'json', 'binary', 'text'), fc.string({ maxLength: 200 }), (id, sentAt, type, text) => {
        const body = type === 'binary' ? utf8Encode(text) : type === 'json' ? { text } : text;
        const p = { id, sentAt, type, body } as unknown as MessagePlaintext;
        let expected: string;
        try {
          expected = toHex(encodeByDefinition(p));
        } catch (err) {
          expect(() => encodePlaintext(p)).toThrow((err as Error).constructor as new () => Error);
          return;
        }
        expect(toHex(encodePlaintext(p))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodePlaintext: the canonical header read by its regular expression gives what JSON.parse and the schema give', () => {
    const MetaByDefinition = z.strictObject({ id: MessageIdSchema, sentAt: TimestampMs, type: z.enum(['string', 'binary', 'json']) });
    const outcome = (run: () => unknown) => {
      try {
        return { value: run() };
      } catch (err) {
        const e = err as { name: string; code?: string };
        return { error: [e.name, e.code] };
      }
    };
    const headerText = fc.oneof(
      fc
        .tuple(anyId, anyTime, fc.constantFrom('string', 'json', 'binary', 'text'))
        .map(([id, sentAt, type]) => `{"id":"${id}","sentAt":${sentAt},"type":"${type}"}`),
      fc
        .tuple(anyId, fc.constantFrom('00', '01', '9007199254740993', '1e3', '-5', '1.0', '12345678901234567'), fc.constantFrom('string', 'json'))
        .map(([id, sentAt, type]) => `{"id":"${id}","sentAt":${sentAt},"type":"${type}"}`),
      fc.constantFrom(
        '{"sentAt":1,"id":"message-0001","type":"string"}',
        '{"id":"message-0001","sentAt":1,"type":"string","x":1}',
        '{"id":"message-0001", "sentAt":1,"type":"string"}',
      ),
    );
    fc.assert(
      fc.property(headerText, fc.string({ maxLength: 40 }), (header, body) => {
        const bytes = tupleByDefinition(header, body);
        const generic = () => {
          const meta = parseWire(MetaByDefinition, parseJsonText(header, 'plaintext header'), 'plaintext header');
          return { ...meta, body: meta.type === 'binary' ? utf8Encode(body) : meta.type === 'json' ? JSON.parse(body) : body };
        };
        const fast = outcome(() => decodePlaintext(bytes));
        const expected = outcome(generic);
        if ('error' in expected && !('error' in fast)) expect.fail(`accepted what the definition refuses: ${header}`);
        if ('value' in expected) expect(fast).toEqual(expected);
      }),
      { numRuns: 3_000 },
    );
  });
});
