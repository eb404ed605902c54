/**
 * Vectors for X-Wing key wraps (docs/protocol.md §5.1): HPKE base mode with X-Wing (KEM 0x647a), HKDF-SHA256,
 * AES-256-GCM, sealing a 32-byte key to a device's X-Wing key, with fixed encapsulation randomness (`eseed`,
 * the draft's EncapsulateDerand input) so the wrap is reproducible byte for byte.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { xwingGenerateKeyPair } from '../../../src/common/crypto/xwing';
import { toHex } from '../../../src/common/encoding/bytes';
import type { DeviceId } from '../../../src/common/ids';
import { wrapDigest, wrapDigestInput } from '../../../src/common/protocol/keyVersionRecord';
import { wrapAad, wrapInfo, wrapKey, type KeyWrap, type WrapPurpose } from '../../../src/common/protocol/keyWrap';
import { fixedBytes, flip, pairHex } from './fixedKeys';

export async function buildXWingWrapVectors(provider: CryptoProvider) {
  const recipient = xwingGenerateKeyPair(provider, await fixedBytes(provider, 'xwing-wrap/recipient'));
  const specs: { name: string; purpose: WrapPurpose; scopeId: string; version: number; deviceId: DeviceId }[] = [
    { name: 'conversation key, version 1', purpose: 'conversation', scopeId: 'conv-vector-0001', version: 1, deviceId: 'alice-desktop' as DeviceId },
    { name: 'conversation key, version 7', purpose: 'conversation', scopeId: 'conv-vector-0001', version: 7, deviceId: 'alice-desktop' as DeviceId },
  ];
  const valid = [];
  for (const s of specs) {
    const key = await fixedBytes(provider, `xwing-wrap/${s.name}/key`);
    // eseed = ML-KEM coins (32) ‖ X25519 ephemeral secret (32), draft-connolly-cfrg-xwing-kem EncapsulateDerand.
    const coins = new Uint8Array([
      ...(await fixedBytes(provider, `xwing-wrap/${s.name}/eseed-ml-kem`)),
      ...(await fixedBytes(provider, `xwing-wrap/${s.name}/eseed-x25519`)),
    ]);
    const wrap = await wrapKey(provider, {
      ...s,
      recipientDeviceId: s.deviceId,
      recipientPublicKey: new Uint8Array(32),
      recipientXWingPublicKey: recipient.publicKey,
      key,
      eseed: coins,
    });
    valid.push({
      ...s,
      recipient: pairHex(recipient),
      eseed: toHex(coins),
      key: toHex(key),
      info: toHex(wrapInfo(s.purpose, s.scopeId, s.version)),
      aad: toHex(wrapAad(s.deviceId)),
      wrap,
      wrapDigestInput: toHex(wrapDigestInput(wrap)),
      wrapDigest: await wrapDigest(provider, wrap),
    });
  }
  const base = valid[0]!;
  const invalid = (
    name: string,
    change: Partial<{ purpose: WrapPurpose; scopeId: string; version: number; deviceId: string; wrap: KeyWrap | unknown; noXWingKey: boolean }>,
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
  const { suite: _suite, ...withoutSuite } = base.wrap;
  return {
    description:
      'X-Wing key wraps: HPKE base mode, KEM X-Wing 0x647a, HKDF-SHA256, AES-256-GCM; info and aad as for X25519 wraps; eseed = the 64-byte X-Wing encapsulation randomness. Keys hex (X-Wing private key = 32-byte seed); wrap fields base64url.',
    valid,
    invalid: [
      invalid('opened by another device id (aad)', { deviceId: 'alice-phone' }, 'bad_tag'),
      invalid('opened for another version (info)', { version: 2 }, 'bad_tag'),
      invalid('opened as a channel key (info label)', { purpose: 'channel' }, 'bad_tag'),
      invalid('ciphertext bit flipped', { wrap: { ...base.wrap, ct: flip(base.wrap.ct, 3) } }, 'bad_tag'),
      invalid('ML-KEM ciphertext bit flipped (implicit rejection)', { wrap: { ...base.wrap, enc: flip(base.wrap.enc, 10) } }, 'bad_tag'),
      invalid('X25519 ciphertext bit flipped', { wrap: { ...base.wrap, enc: flip(base.wrap.enc, 1100) } }, 'bad_tag'),
      invalid('suite member removed (an X-Wing enc under the X25519 suite)', { wrap: withoutSuite }, 'malformed'),
      invalid('suite named x25519 explicitly', { wrap: { ...base.wrap, suite: 'x25519' } }, 'malformed'),
      invalid('enc truncated', { wrap: { ...base.wrap, enc: base.wrap.enc.slice(0, 1490) } }, 'malformed'),
      invalid('opened by a device without an X-Wing key', { noXWingKey: true }, 'unsupported_suite'),
    ],
  };
}
