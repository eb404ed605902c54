/**
 * Property tests (fast-check): any mutation of a valid envelope, key-version record, wrap grant,
 * broadcast, device certificate or ACRH payload is rejected with a typed ProtocolError — never another exception,
 * never a different plaintext. A mutation the format cannot notice (e.g. the unauthenticated push
 * metadata, or setting a field to the value it already had) must still yield the original content.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../src/common/encoding/base64';
import type { ChannelId, ConversationId, MessageId } from '../../src/common/ids';
import { generateChannelKeyPair, openBroadcast, sealBroadcast } from '../../src/common/protocol/broadcast';
import { verifyDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { isProtocolError } from '../../src/common/protocol/errors';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import { createKeyVersionRecord, type KeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { verifyKeyVersionRecord } from '../../src/common/protocol/keyVersionVerify';
import { wrapKey } from '../../src/common/protocol/keyWrap';
import { decodePlaintext } from '../../src/common/protocol/plaintext';
import { acrhEncrypt, cipherKeyFor } from '../../src/common/protocol/pubnub/acrh';
import { decodePubNubMessage } from '../../src/common/protocol/pubnub/message';
import { createWrapGrant, verifyWrapGrant } from '../../src/common/protocol/wrapGrant';
import { makeUser, provider, recipientsOf } from './fixtures';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A mutation of a JSON object: replace, delete or add a field, or flip/cut/extend bytes of a base64url field. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), field: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('delete' as const), field: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), name: fc.string({ maxLength: 8 }), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('flip' as const), field: fc.nat(), byte: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), field: fc.nat(), keep: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), field: fc.nat(), extra: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('text' as const), position: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(original: Record<string, Json>, m: Mutation): unknown {
  const obj: Record<string, Json> = JSON.parse(JSON.stringify(original));
  const keys = Object.keys(obj);
  const key = 'field' in m ? (keys[m.field % keys.length] ?? 'v') : 'v';
  const b64 = typeof obj[key] === 'string' && /^[A-Za-z0-9_-]{16,}$/.test(obj[key] as string) ? Buffer.from(obj[key] as string, 'base64url') : null;
  switch (m.kind) {
    case 'replace':
      obj[key] = m.value as Json;
      return obj;
    case 'delete':
      delete obj[key];
      return obj;
    case 'add':
      obj[m.name] = m.value as Json;
      return obj;
    case 'flip':
      if (!b64 || b64.length === 0) return { ...obj, [key]: 'mutated' };
      b64[m.byte % b64.length] = (b64[m.byte % b64.length] ?? 0) ^ (1 << m.bit);
      obj[key] = b64.toString('base64url');
      return obj;
    case 'cut':
      if (!b64) return { ...obj, [key]: [] };
      obj[key] = b64.subarray(0, m.keep % b64.length).toString('base64url');
      return obj;
    case 'extend':
      if (!b64) return { ...obj, [key]: {} };
      obj[key] = Buffer.concat([b64, m.extra]).toString('base64url');
      return obj;
    case 'text': {
      const text = JSON.stringify(obj);
      const i = m.position % text.length;
      try {
        return JSON.parse(text.slice(0, i) + m.char + text.slice(i + 1)) as unknown;
      } catch {
        return text;
      }
    }
    default:
      throw new Error('unreachable');
  }
}

/** Runs `open` on the mutated input: a ProtocolError passes; success must return `expected`. */
async function rejectsTypedOrSame<T>(open: () => Promise<T>, same: (value: T) => void): Promise<void> {
  let value: T;
  try {
    value = await open();
  } catch (err) {
    if (!isProtocolError(err)) throw new Error(`untyped failure: ${String(err)}`);
    return;
  }
  same(value);
}

const conversationId = 'conv-fuzz-0001' as ConversationId;
const runs = { numRuns: 300 };

describe('mutations are typed errors, never crashes or wrong plaintexts', () => {
  it('message envelopes', async () => {
    const alice = await makeUser('alice');
    const dev = alice.devices[0]!;
    const key = provider.randomBytes(32);
    const message = { id: 'msg-fuzz-0001' as MessageId, sentAt: 42, type: 'json' as const, body: { text: 'hello', n: [1, 2] } };
    const env = await sealEnvelope(provider, {
      conversationId,
      keyVersion: 1,
      key,
      senderDevice: dev.deviceId,
      signingPrivateKey: dev.keys.ed25519.privateKey,
      plaintext: message,
      channel: 'conv.fuzz',
      push: { pn_apns: { aps: { alert: 'x' } } },
    });
    const ctx = { conversationId, keyForVersion: (v: number) => (v === 1 ? key : undefined), memberSigningKey: () => dev.keys.ed25519.publicKey };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await rejectsTypedOrSame(
          () => openEnvelope(provider, mutate(env as unknown as Record<string, Json>, m), ctx),
          (opened) => expect(opened.message).toEqual(message),
        );
      }),
      runs,
    );
  });

  it('key-version records', async () => {
    const alice = await makeUser('alice', 2);
    const bob = await makeUser('bob', 1);
    const signer = alice.devices[0]!;
    const { record } = await createKeyVersionRecord(provider, {
      conversationId,
      version: 3,
      createdAt: 5,
      createdByDevice: signer.deviceId,
      signingPrivateKey: signer.keys.ed25519.privateKey,
      recipients: recipientsOf(alice, bob),
    });
    const canonical = canonicalJson(record);
    const expectations = { conversationId, signerCertificate: signer.certificate, signerAccountKey: alice.account.publicKey };
    const wrapMutation = fc.record({ wrap: fc.nat(), m: mutation });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutation.map((m) => ({ top: m })),
          wrapMutation,
        ),
        async (choice) => {
          let input: unknown;
          if ('top' in choice) {
            input = mutate(record as unknown as Record<string, Json>, choice.top);
          } else {
            const copy = JSON.parse(JSON.stringify(record)) as KeyVersionRecord & Record<string, Json>;
            const i = choice.wrap % copy.wraps.length;
            (copy.wraps as unknown[])[i] = mutate(copy.wraps[i] as unknown as Record<string, Json>, choice.m);
            input = copy;
          }
          await rejectsTypedOrSame(
            () => verifyKeyVersionRecord(provider, input, expectations),
            (verified) => expect(canonicalJson(verified)).toBe(canonical),
          );
        },
      ),
      runs,
    );
  });

  it('device certificates', async () => {
    const alice = await makeUser('alice');
    const cert = alice.devices[0]!.certificate;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await rejectsTypedOrSame(
          () => verifyDeviceCertificate(provider, mutate(cert as unknown as Record<string, Json>, m), { accountKey: alice.account.publicKey }),
          (verified) => expect(verified).toEqual(cert),
        );
      }),
      runs,
    );
  });

  it('wrap grants', async () => {
    const alice = await makeUser('alice');
    const dave = await makeUser('dave');
    const granter = alice.devices[0]!;
    const wrap = await wrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version: 3,
      recipientDeviceId: dave.devices[0]!.deviceId,
      recipientPublicKey: dave.devices[0]!.keys.x25519.publicKey,
      key: new Uint8Array(32).fill(3),
    });
    const grant = await createWrapGrant(provider, {
      conversationId,
      version: 3,
      wrap,
      grantedBy: granter.deviceId,
      grantedAt: 7,
      signingPrivateKey: granter.keys.ed25519.privateKey,
    });
    const expectations = {
      conversationId,
      version: 3,
      recipientDeviceId: wrap.deviceId,
      wrapDigest: grant.wrapDigest,
      granterCertificate: granter.certificate,
      granterAccountKey: alice.account.publicKey,
    };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await rejectsTypedOrSame(
          () => verifyWrapGrant(provider, mutate(grant as unknown as Record<string, Json>, m), expectations),
          (verified) => expect(verified).toEqual(grant),
        );
      }),
      runs,
    );
  });

  it('broadcast envelopes', async () => {
    const pub = (await makeUser('pub')).devices[0]!;
    const channelKey = await generateChannelKeyPair(provider);
    const channelId = 'chan-fuzz-0001' as ChannelId;
    const message = { id: 'msg-fuzz-0002' as MessageId, sentAt: 1, type: 'string' as const, body: 'broadcast' };
    const env = await sealBroadcast(provider, {
      channelId,
      keyVersion: 1,
      channelPublicKey: channelKey.publicKey,
      senderDevice: pub.deviceId,
      signingPrivateKey: pub.keys.ed25519.privateKey,
      plaintext: message,
      channel: 'bcast.fuzz',
    });
    const ctx = { channelId, channelKeyForVersion: (v: number) => (v === 1 ? channelKey : undefined), publisherSigningKey: () => pub.keys.ed25519.publicKey };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await rejectsTypedOrSame(
          () => openBroadcast(provider, mutate(env as unknown as Record<string, Json>, m), ctx),
          (opened) => expect(opened.message).toEqual(message),
        );
      }),
      runs,
    );
  });

  it('ACRH payloads: byte mutations never crash (the format has no integrity, so a changed message may still decode)', async () => {
    const cipherKey = cipherKeyFor(provider.randomBytes(32));
    const data = await acrhEncrypt(provider, cipherKey, new TextEncoder().encode(JSON.stringify({ t: 'hello world, this is a test' })));
    const payload = toBase64(data);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat({ max: 40 }), async (byte, bit, cut) => {
        const flipped = fromBase64(payload);
        flipped[byte % flipped.length] = (flipped[byte % flipped.length] ?? 0) ^ (1 << bit);
        for (const candidate of [toBase64(flipped), toBase64(data.subarray(0, Math.max(0, data.length - cut))), payload.slice(1)]) {
          try {
            await decodePubNubMessage(provider, cipherKey, candidate);
          } catch (err) {
            if (!isProtocolError(err)) throw new Error(`untyped failure: ${String(err)}`);
          }
        }
      }),
      runs,
    );
  });

  it('inner plaintext decoding of arbitrary bytes is typed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodePlaintext(bytes);
        } catch (err) {
          if (!isProtocolError(err)) throw new Error(`untyped failure: ${String(err)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
