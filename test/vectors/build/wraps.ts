/** Vectors for key wraps (docs/protocol.md §5): HPKE seal of a 32-byte key to a device, with fixed ephemeral keys. */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import type { DeviceId } from '../../../src/common/ids';
import { wrapAad, wrapInfo, wrapKey, type KeyWrap, type WrapPurpose } from '../../../src/common/protocol/keyWrap';
import { fixedBytes, fixedX25519, flip, pairHex } from './fixedKeys';

export async function buildWrapVectors(provider: CryptoProvider) {
  const recipient = await fixedX25519(provider, 'wrap/recipient');
  const specs: { name: string; purpose: WrapPurpose; scopeId: string; version: number; deviceId: DeviceId }[] = [
    { name: 'conversation key, version 1', purpose: 'conversation', scopeId: 'conv-vector-0001', version: 1, deviceId: 'bob-desktop' as DeviceId },
    {
      name: 'conversation key, version 4294967',
      purpose: 'conversation',
      scopeId: 'conv-vector-0001',
      version: 4_294_967,
      deviceId: 'bob-desktop' as DeviceId,
    },
    { name: 'channel private key', purpose: 'channel', scopeId: 'chan-vector-0001', version: 2, deviceId: 'bob-phone' as DeviceId },
  ];
  const valid = [];
  for (const s of specs) {
    const ephemeral = await fixedX25519(provider, `wrap/${s.name}/ephemeral`);
    const key = await fixedBytes(provider, `wrap/${s.name}/key`);
    const wrap = await wrapKey(provider, { ...s, recipientDeviceId: s.deviceId, recipientPublicKey: recipient.publicKey, key, ephemeral });
    valid.push({
      ...s,
      recipient: pairHex(recipient),
      ephemeral: pairHex(ephemeral),
      key: toHex(key),
      info: toHex(wrapInfo(s.purpose, s.scopeId, s.version)),
      aad: toHex(wrapAad(s.deviceId)),
      wrap,
    });
  }
  const base = valid[0]!;
  const invalid = (
    name: string,
    change: Partial<{ purpose: WrapPurpose; scopeId: string; version: number; deviceId: string; wrap: KeyWrap | unknown }>,
    error: string,
  ) => ({
    name,
    purpose: base.purpose,
    scopeId: base.scopeId,
    version: base.version,
    deviceId: base.deviceId,
    recipient: base.recipient,
    wrap: base.wrap,
    ...change,
    error,
  });
  return {
    description:
      'HPKE base-mode key wraps: info = tuple(label, scopeId) || I2OSP(version, 4), aad = tuple("seed-key-wrap-recipient-v1", deviceId). Keys hex; wrap fields base64url.',
    valid,
    invalid: [
      invalid('opened by another device id (aad)', { deviceId: 'bob-phone' }, 'bad_tag'),
      invalid('opened for another version (info)', { version: 2 }, 'bad_tag'),
      invalid('opened for another conversation (info)', { scopeId: 'conv-vector-0002' }, 'bad_tag'),
      invalid('opened as a channel key (info label)', { purpose: 'channel' }, 'bad_tag'),
      invalid('ciphertext bit flipped', { wrap: { ...base.wrap, ct: flip(base.wrap.ct, 3) } }, 'bad_tag'),
      invalid('enc bit flipped', { wrap: { ...base.wrap, enc: flip(base.wrap.enc, 1) } }, 'bad_tag'),
      invalid('ciphertext truncated', { wrap: { ...base.wrap, ct: base.wrap.ct.slice(0, 40) } }, 'malformed'),
      invalid('enc not base64url', { wrap: { ...base.wrap, enc: `${base.wrap.enc.slice(0, -1)}=` } }, 'malformed'),
    ],
  };
}
