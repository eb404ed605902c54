/** Vectors for message envelopes (docs/protocol.md §7) and broadcast seals (§9). */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Decode } from '../../../src/common/encoding/utf8';
import type { ChannelId, ConversationId, MessageId } from '../../../src/common/ids';
import { broadcastAad, broadcastInfo, broadcastSigningInput, sealBroadcast } from '../../../src/common/protocol/broadcast';
import { envelopeAad, envelopeSigningInput } from '../../../src/common/protocol/envelope';
import { sealEnvelope } from '../../../src/common/protocol/envelopeSeal';
import { genericPushMetadata } from '../../../src/common/protocol/genericPush';
import { encodePlaintext, type MessagePlaintext } from '../../../src/common/protocol/plaintext';
import { fixedBytes, fixedX25519, flip, pairHex, vectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;
const channelId = 'chan-vector-0001' as ChannelId;

/** A plaintext as JSON: binary bodies as base64url under `bodyBase64Url`. */
function plaintextJson(p: MessagePlaintext) {
  return p.type === 'binary' ? { id: p.id, sentAt: p.sentAt, type: p.type, bodyBase64Url: toBase64Url(p.body) } : p;
}

const plaintexts: MessagePlaintext[] = [
  { id: 'msg-vector-0001' as MessageId, sentAt: 1_735_689_800_000, type: 'string', body: 'Hello Bob! Grüße 👋' },
  { id: 'msg-vector-0002' as MessageId, sentAt: 1_735_689_800_001, type: 'binary', body: Uint8Array.from([0, 1, 2, 253, 254, 255]) },
  { id: 'msg-vector-0003' as MessageId, sentAt: 1_735_689_800_002, type: 'json', body: { text: 'hi', reactions: ['👍'], n: 2 } },
];

/** An envelope-only case: a string body that starts with U+FEFF, which a UTF-8 decoder must keep (§7.2). */
const bomPlaintext: MessagePlaintext = { id: 'msg-vector-0004' as MessageId, sentAt: 1_735_689_800_003, type: 'string', body: '\uFEFFstarts with U+FEFF' };

export async function buildEnvelopeVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const sender = alice.devices[0]!;
  const keys = { 1: await fixedBytes(provider, 'envelope/key-v1'), 2: await fixedBytes(provider, 'envelope/key-v2') };
  const valid = [];
  for (const [i, plaintext] of [...plaintexts, bomPlaintext].entries()) {
    const nonce = await fixedBytes(provider, `envelope/${i}/nonce`, 12);
    // The generic push part of §7.6, exactly as the reference client adds it under the policy.
    const push = i === 0 ? genericPushMetadata(conversationId) : undefined;
    const envelope = await sealEnvelope(provider, {
      conversationId,
      keyVersion: 2,
      key: keys[2],
      senderDevice: sender.deviceId,
      signingPrivateKey: sender.ed25519.privateKey,
      plaintext,
      channel: `conv.${conversationId}`,
      nonce,
      push,
    });
    valid.push({
      name:
        plaintext === bomPlaintext ? 'string body starting with U+FEFF (kept by the decoder)' : `${plaintext.type} body${push ? ' with push metadata' : ''}`,
      plaintext: plaintextJson(plaintext),
      plaintextBytes: toHex(encodePlaintext(plaintext)),
      nonce: toHex(nonce),
      aad: utf8Decode(envelopeAad(envelope)),
      signingInput: toHex(envelopeSigningInput(envelope, nonce, Buffer.from(envelope.ciphertext, 'base64url'))),
      envelope,
    });
  }
  const env = valid[1]!.envelope;
  const bad = (name: string, envelope: unknown, error: string, context: Partial<{ conversationId: string }> = {}) => ({
    name,
    envelope,
    context: { conversationId, ...context },
    error,
  });
  return {
    description:
      'Message envelopes v1: AES-256-GCM(key of keyVersion, nonce, plaintextBytes, aad = canonical header); signature = Ed25519(sender device, tuple("seed-envelope-v1", aad, nonce, ciphertext)). Context: conversation keys by version (hex) and the sender device signing key.',
    conversationKeys: { 1: toHex(keys[1]), 2: toHex(keys[2]) },
    sender: { deviceId: sender.deviceId, ed25519: pairHex(sender.ed25519), certificate: sender.certificate },
    valid,
    invalid: [
      bad('ciphertext bit flipped', { ...env, ciphertext: flip(env.ciphertext, 5) }, 'bad_signature'),
      bad('header type changed', { ...env, type: 'receipt' }, 'bad_signature'),
      bad('keyVersion changed to another held version', { ...env, keyVersion: 1 }, 'bad_signature'),
      bad('keyVersion not held', { ...env, keyVersion: 9 }, 'unknown_key_version'),
      bad('published on another conversation', env, 'wrong_conversation', { conversationId: 'conv-vector-0002' }),
      bad('sender device not a member', { ...env, senderDevice: 'mallory-laptop' }, 'signer_not_member'),
      bad('version 2', { ...env, v: 2 }, 'unsupported_version'),
      bad('nonce of 8 bytes', { ...env, nonce: 'AAAAAAAAAAA' }, 'malformed'),
      bad('unknown field', { ...env, debug: true }, 'malformed'),
    ],
  };
}

export async function buildBroadcastVectors(provider: CryptoProvider) {
  const pub = await vectorUser(provider, 'alice', ['desktop']);
  const sender = pub.devices[0]!;
  const channelKey = await fixedX25519(provider, 'broadcast/channel-key-v3');
  const valid = [];
  for (const [i, plaintext] of plaintexts.entries()) {
    const ephemeral = await fixedX25519(provider, `broadcast/${i}/ephemeral`);
    const envelope = await sealBroadcast(provider, {
      channelId,
      keyVersion: 3,
      channelPublicKey: channelKey.publicKey,
      senderDevice: sender.deviceId,
      signingPrivateKey: sender.ed25519.privateKey,
      plaintext,
      channel: `bcast.${channelId}`,
      ephemeral,
    });
    valid.push({
      name: `${plaintext.type} body`,
      plaintext: plaintextJson(plaintext),
      plaintextBytes: toHex(encodePlaintext(plaintext)),
      ephemeral: pairHex(ephemeral),
      info: toHex(broadcastInfo(channelId, 3)),
      aad: utf8Decode(broadcastAad(envelope)),
      signingInput: toHex(broadcastSigningInput(envelope, Buffer.from(envelope.enc, 'base64url'), Buffer.from(envelope.ciphertext, 'base64url'))),
      envelope,
    });
  }
  const env = valid[0]!.envelope;
  const bad = (name: string, envelope: unknown, error: string, context: Partial<{ channelId: string }> = {}) => ({
    name,
    envelope,
    context: { channelId, ...context },
    error,
  });
  return {
    description:
      'Broadcast seals: HPKE base mode to the channel X25519 key, info = tuple("seed-broadcast-seal-v1", channelId) || I2OSP(keyVersion, 4), aad = canonical header; signature = Ed25519(sender device, tuple("seed-broadcast-v1", aad, enc, ciphertext)).',
    channelKeys: { 3: pairHex(channelKey) },
    sender: { deviceId: sender.deviceId, ed25519: pairHex(sender.ed25519), certificate: sender.certificate },
    valid,
    invalid: [
      bad('enc bit flipped', { ...env, enc: flip(env.enc) }, 'bad_signature'),
      bad('ciphertext bit flipped', { ...env, ciphertext: flip(env.ciphertext, 9) }, 'bad_signature'),
      bad('key version not held', { ...env, keyVersion: 4 }, 'unknown_key_version'),
      bad('received on another channel', env, 'wrong_channel', { channelId: 'chan-vector-0002' }),
      bad('sender may not publish', { ...env, senderDevice: 'mallory-laptop' }, 'signer_not_member'),
      bad('type is not broadcast', { ...env, type: 'message' }, 'malformed'),
    ],
  };
}
