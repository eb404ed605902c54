/**
 * Vectors for the X-Wing wraps the key manager and the key service make (docs/protocol.md §5.1, §9,
 * §19.4): a broadcast channel's X25519 private key wrapped with HPKE X-Wing to a subscriber device (purpose
 * `channel`), and a server-made conversation key sealed with X-Wing to a member device (aad label
 * `seed-server-key-wrap-v1`), each with fixed encapsulation randomness (`eseed`) so it is reproducible
 * byte for byte. The invalid cases are the downgrades and confusions a device must refuse.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { xwingGenerateKeyPair } from '../../../src/common/crypto/xwing';
import { toHex } from '../../../src/common/encoding/bytes';
import type { ChannelId, DeviceId } from '../../../src/common/ids';
import { wrapChannelKey } from '../../../src/common/protocol/broadcast';
import { wrapAad, wrapInfo } from '../../../src/common/protocol/keyWrap';
import { sealServerKeyWrap, serverKeyWrapAad } from '../../../src/common/protocol/serverKeyWrap';
import { fixedBytes, fixedX25519, flip, pairHex } from './fixedKeys';

async function eseedOf(provider: CryptoProvider, label: string): Promise<Uint8Array> {
  // eseed = ML-KEM coins (32) ‖ X25519 ephemeral secret (32), draft-connolly-cfrg-xwing-kem EncapsulateDerand.
  return new Uint8Array([...(await fixedBytes(provider, `${label}/eseed-ml-kem`)), ...(await fixedBytes(provider, `${label}/eseed-x25519`))]);
}

export async function buildXWingChannelServerWrapVectors(provider: CryptoProvider) {
  const x25519 = await fixedX25519(provider, 'xwing-cs-wrap/recipient-x25519');
  const xwing = xwingGenerateKeyPair(provider, await fixedBytes(provider, 'xwing-cs-wrap/recipient-xwing'));
  const recipient = { x25519: pairHex(x25519), xwing: pairHex(xwing) };

  const channel = [];
  for (const s of [
    { name: 'channel key, version 1', channelId: 'chan-vector-0001', keyVersion: 1, deviceId: 'bob-desktop' as DeviceId },
    { name: 'channel key, version 3', channelId: 'chan-vector-0001', keyVersion: 3, deviceId: 'bob-desktop' as DeviceId },
  ]) {
    const channelKey = await fixedX25519(provider, `xwing-cs-wrap/${s.name}/channel`);
    const eseed = await eseedOf(provider, `xwing-cs-wrap/${s.name}`);
    const wrap = await wrapChannelKey(provider, {
      channelId: s.channelId as ChannelId,
      keyVersion: s.keyVersion,
      channelPrivateKey: channelKey.privateKey,
      recipientDeviceId: s.deviceId,
      recipientPublicKey: x25519.publicKey,
      recipientXWingPublicKey: xwing.publicKey,
      eseed,
    });
    channel.push({
      ...s,
      channelKey: pairHex(channelKey),
      eseed: toHex(eseed),
      info: toHex(wrapInfo('channel', s.channelId, s.keyVersion)),
      aad: toHex(wrapAad(s.deviceId)),
      wrap,
    });
  }

  const server = [];
  for (const s of [
    { name: 'server-made version 2', conversationId: 'conv-vector-0001', version: 2, deviceId: 'bob-desktop' as DeviceId },
    { name: 'server-made version 9', conversationId: 'conv-vector-0001', version: 9, deviceId: 'bob-desktop' as DeviceId },
  ]) {
    const key = await fixedBytes(provider, `xwing-cs-wrap/${s.name}/key`);
    const eseed = await eseedOf(provider, `xwing-cs-wrap/${s.name}`);
    const wrap = await sealServerKeyWrap(provider, {
      conversationId: s.conversationId,
      version: s.version,
      recipientDeviceId: s.deviceId,
      recipientPublicKey: x25519.publicKey,
      recipientXWingPublicKey: xwing.publicKey,
      key,
      eseed,
    });
    server.push({
      ...s,
      key: toHex(key),
      eseed: toHex(eseed),
      info: toHex(wrapInfo('conversation', s.conversationId, s.version)),
      aad: toHex(serverKeyWrapAad(s.deviceId)),
      wrap,
    });
  }

  const c0 = channel[0]!;
  const s0 = server[0]!;
  // The same channel key and server key sealed with X25519 to the same device: a downgrade for it.
  const classicalChannel = await wrapChannelKey(provider, {
    channelId: c0.channelId as ChannelId,
    keyVersion: c0.keyVersion,
    channelPrivateKey: (await fixedX25519(provider, `xwing-cs-wrap/${c0.name}/channel`)).privateKey,
    recipientDeviceId: c0.deviceId,
    recipientPublicKey: x25519.publicKey,
    ephemeral: await fixedX25519(provider, 'xwing-cs-wrap/classical-channel/ephemeral'),
  });
  const classicalServer = await sealServerKeyWrap(provider, {
    conversationId: s0.conversationId,
    version: s0.version,
    recipientDeviceId: s0.deviceId,
    recipientPublicKey: x25519.publicKey,
    key: await fixedBytes(provider, `xwing-cs-wrap/${s0.name}/key`),
    ephemeral: await fixedX25519(provider, 'xwing-cs-wrap/classical-server/ephemeral'),
  });
  return {
    description:
      'X-Wing wraps made by the key manager (broadcast channel keys, purpose channel) and by the key service (server-made conversation keys, aad seed-server-key-wrap-v1): HPKE base mode, KEM X-Wing 0x647a, HKDF-SHA256, AES-256-GCM; eseed = the 64-byte X-Wing encapsulation randomness. The recipient device has both keys; it takes X-Wing wraps only. Keys hex (X-Wing private key = 32-byte seed); wrap fields base64url.',
    recipient,
    channel,
    server,
    invalid: [
      { name: 'channel key wrapped with X25519 to the X-Wing device', kind: 'channel', ...pick(c0), wrap: classicalChannel, error: 'suite_downgrade' },
      { name: 'server key sealed with X25519 to the X-Wing device', kind: 'server', ...pickServer(s0), wrap: classicalServer, error: 'suite_downgrade' },
      { name: 'channel wrap opened for another version (info)', kind: 'channel', ...pick(c0), keyVersion: 2, wrap: c0.wrap, error: 'bad_tag' },
      { name: 'channel wrap opened by another device id (aad)', kind: 'channel', ...pick(c0), deviceId: 'bob-phone', wrap: c0.wrap, error: 'bad_tag' },
      { name: 'server wrap opened as a device wrap (aad label)', kind: 'device', ...pickServer(s0), wrap: s0.wrap, error: 'bad_tag' },
      {
        name: 'server wrap, ML-KEM ciphertext bit flipped',
        kind: 'server',
        ...pickServer(s0),
        wrap: { ...s0.wrap, enc: flip(s0.wrap.enc, 10) },
        error: 'bad_tag',
      },
      {
        name: 'server wrap opened by a device without an X-Wing key',
        kind: 'server',
        ...pickServer(s0),
        noXWingKey: true,
        wrap: s0.wrap,
        error: 'unsupported_suite',
      },
    ],
  };
}

function pick(c: { channelId: string; keyVersion: number; deviceId: string }) {
  return { channelId: c.channelId, keyVersion: c.keyVersion, deviceId: c.deviceId };
}

function pickServer(s: { conversationId: string; version: number; deviceId: string }) {
  return { conversationId: s.conversationId, version: s.version, deviceId: s.deviceId };
}
