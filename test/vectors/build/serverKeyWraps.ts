/**
 * Vectors for server key wraps (docs/protocol.md §19.4, server-trusted custody): the key service seals a
 * server-made conversation key to one member device, with fixed ephemeral keys. Same HPKE suite and info
 * as a device wrap (§5), aad label `seed-server-key-wrap-v1`, so neither opens as the other.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import type { DeviceId } from '../../../src/common/ids';
import { wrapInfo, wrapKey, type KeyWrap } from '../../../src/common/protocol/keyWrap';
import { sealServerKeyWrap, serverKeyWrapAad } from '../../../src/common/protocol/serverKeyWrap';
import { fixedBytes, fixedX25519, flip, pairHex } from './fixedKeys';

export async function buildServerKeyWrapVectors(provider: CryptoProvider) {
  const recipient = await fixedX25519(provider, 'server-wrap/recipient');
  const specs = [
    { name: 'server-made version 1', conversationId: 'conv-vector-0001', version: 1, deviceId: 'bob-desktop' as DeviceId },
    { name: 'server-made version 7', conversationId: 'conv-vector-0001', version: 7, deviceId: 'bob-phone' as DeviceId },
  ];
  const valid = [];
  for (const s of specs) {
    const ephemeral = await fixedX25519(provider, `server-wrap/${s.name}/ephemeral`);
    const key = await fixedBytes(provider, `server-wrap/${s.name}/key`);
    const wrap = await sealServerKeyWrap(provider, { ...s, recipientDeviceId: s.deviceId, recipientPublicKey: recipient.publicKey, key, ephemeral });
    valid.push({
      ...s,
      recipient: pairHex(recipient),
      ephemeral: pairHex(ephemeral),
      key: toHex(key),
      info: toHex(wrapInfo('conversation', s.conversationId, s.version)),
      aad: toHex(serverKeyWrapAad(s.deviceId)),
      wrap,
    });
  }
  const base = valid[0]!;
  // A device wrap (§5) of the same key to the same device: it must not open as a server key wrap.
  const deviceWrap = await wrapKey(provider, {
    purpose: 'conversation',
    scopeId: base.conversationId,
    version: base.version,
    recipientDeviceId: base.deviceId,
    recipientPublicKey: recipient.publicKey,
    key: await fixedBytes(provider, `server-wrap/${base.name}/key`),
    ephemeral: await fixedX25519(provider, `server-wrap/${base.name}/ephemeral`),
  });
  const invalid = (name: string, change: Partial<{ conversationId: string; version: number; deviceId: string; wrap: KeyWrap | unknown }>, error: string) => ({
    name,
    conversationId: base.conversationId,
    version: base.version,
    deviceId: base.deviceId,
    recipient: base.recipient,
    wrap: base.wrap,
    ...change,
    error,
  });
  return {
    description:
      'Server key wraps (server-trusted custody): HPKE base mode, info = tuple("seed-conv-key-wrap-v1", conversationId) || I2OSP(version, 4), aad = tuple("seed-server-key-wrap-v1", deviceId). Keys hex; wrap fields base64url.',
    valid,
    invalid: [
      invalid('opened by another device id (aad)', { deviceId: 'bob-phone' }, 'bad_tag'),
      invalid('opened for another version (info)', { version: 2 }, 'bad_tag'),
      invalid('opened for another conversation (info)', { conversationId: 'conv-vector-0002' }, 'bad_tag'),
      invalid('a device wrap (§5 aad) is not a server key wrap', { wrap: deviceWrap }, 'bad_tag'),
      invalid('ciphertext bit flipped', { wrap: { ...base.wrap, ct: flip(base.wrap.ct, 3) } }, 'bad_tag'),
      invalid('ciphertext truncated', { wrap: { ...base.wrap, ct: base.wrap.ct.slice(0, 40) } }, 'malformed'),
    ],
  };
}
