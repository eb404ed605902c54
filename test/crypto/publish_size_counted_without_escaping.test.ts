/**
 * The publish-size check counts PubNub's escaped length without escaping (`pubnubEscapedLength`): for any
 * text — ASCII, multi-byte UTF-8, astral characters, lone surrogates — it must equal the length of
 * `pubnubEscape` (encodeURIComponent plus `! ~ * ' ( )`), and refuse exactly the texts it refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertEnvelopePublishable,
  envelopePublishSize,
  MAX_PUBLISH_BYTES,
  publishSize,
  pubnubEscape,
  pubnubEscapedLength,
} from '../../src/common/protocol/publishSize';

function reference(text: string): number | 'refused' {
  try {
    return pubnubEscape(text).length;
  } catch {
    return 'refused';
  }
}

function counted(text: string): number | 'refused' {
  try {
    return pubnubEscapedLength(text);
  } catch (err) {
    expect(err).toMatchObject({ code: 'malformed' });
    return 'refused';
  }
}

describe('publish size counted without escaping', () => {
  it('equals the escaped length for arbitrary text, lone surrogates included', () => {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((cs) => String.fromCharCode(...cs));
    const mixed = fc
      .array(
        fc.constantFrom(
          'a',
          'Z',
          '9',
          '-',
          '_',
          '.',
          '!',
          '~',
          '*',
          "'",
          '(',
          ')',
          ' ',
          '"',
          '%',
          'é',
          '€',
          '😀',
          '\uD800',
          '\uDC00',
          '\u0000',
          '\u007f',
          '\u0080',
          '\u07ff',
          '\u0800',
        ),
        { maxLength: 40 },
      )
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), units, mixed), (text) => {
        expect(counted(text)).toBe(reference(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('an envelope is counted the same with its base64url ciphertext left out of the JSON', () => {
    const b64 = fc
      .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), { maxLength: 3000 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.oneof(b64, fc.string({ maxLength: 50 })), fc.string({ maxLength: 30 }), fc.string({ maxLength: 20 }), (ciphertext, note, channel) => {
        const envelope = { v: 1, type: 'message', conversationId: 'conversation-01', ciphertext, signature: 'sig', pn_apns: { aps: { alert: note } } };
        const general = (() => {
          try {
            return publishSize(envelope, channel) > MAX_PUBLISH_BYTES ? 'too large' : 'fits';
          } catch {
            return 'refused';
          }
        })();
        const counted = (() => {
          try {
            assertEnvelopePublishable(envelope, channel);
            return 'fits';
          } catch (err) {
            return (err as { code?: string }).code === 'too_large' ? 'too large' : 'refused';
          }
        })();
        expect(counted).toBe(general);
      }),
      { numRuns: 2_000 },
    );
    const big = { v: 1, ciphertext: 'A'.repeat(MAX_PUBLISH_BYTES) };
    const fits = { v: 1, ciphertext: 'A'.repeat(MAX_PUBLISH_BYTES - 100) };
    expect(() => assertEnvelopePublishable(big, 'conv.x')).toThrow();
    expect(() => assertEnvelopePublishable(fits, 'conv.x')).not.toThrow();
  });

  it('an envelope is counted field by field to exactly its serialized size, and any other object the general way', () => {
    const kept = fc
      .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')), { maxLength: 400 })
      .map((cs) => cs.join(''));
    const text = fc.oneof(kept, kept, fc.string({ maxLength: 30 }), fc.constantFrom('a b', 'é', '"q"', 'x%y', '😀'));
    const value = fc.oneof(
      text,
      fc.nat(),
      fc.constantFrom(-0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER),
      fc.constant(undefined),
      fc.constant({ aps: { alert: 'x' } }),
    );
    const keyName = fc.oneof(fc.constantFrom('v', 'type', 'conversationId', 'keyVersion', 'nonce', 'signature', 'pn_apns', 'a.b'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.dictionary(keyName, value, { maxKeys: 9 }), text, fc.string({ maxLength: 20 }), (fields, ciphertext, channel) => {
        const envelope = { ...fields, ciphertext };
        let general: number | 'refused';
        try {
          general = publishSize(envelope, channel);
        } catch {
          general = 'refused';
        }
        let counted: number | 'refused';
        try {
          counted = envelopePublishSize(envelope, channel);
        } catch {
          counted = 'refused';
        }
        expect(counted).toBe(general);
      }),
      { numRuns: 5_000 },
    );
  });

  it('counts an envelope-like JSON exactly', () => {
    const text = JSON.stringify({
      v: 1,
      type: 'message',
      conversationId: 'c'.repeat(22),
      ciphertext: 'A-_z09'.repeat(700),
      pn_apns: { aps: { alert: 'Neue Nachricht – öffnen 📨' } },
    });
    expect(pubnubEscapedLength(text)).toBe(pubnubEscape(text).length);
  });
});
