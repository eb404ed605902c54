/**
 * Vectors for device links to a new device with an X-Wing key (docs/protocol.md §14.2–14.4): the key
 * fingerprint and the confirmation code cover the X-Wing encapsulation key, and the account key is sealed
 * with HPKE X-Wing (KEM 0x647a, HKDF-SHA256, AES-256-GCM) from a fixed `eseed`, so the payload is
 * reproducible byte for byte. Invalid cases: an X25519 payload to that device (`suite_downgrade`), altered
 * or misdirected X-Wing payloads (`link_invalid`), and a key service that strips or swaps the X-Wing key
 * (the fingerprint or the two codes differ: `link_mismatch`).
 */
import { sealBase } from '../../../src/common/crypto/hpke/base';
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { xwingGenerateKeyPair } from '../../../src/common/crypto/xwing';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Decode } from '../../../src/common/encoding/utf8';
import { linkFingerprint, linkFingerprintInput, linkQrPayload, type LinkingDeviceKeys } from '../../../src/common/protocol/deviceLinkCode';
import { confirmationCode, confirmationInput } from '../../../src/common/protocol/deviceLinkConfirmation';
import { linkPayloadAad, linkPayloadInfo, linkPayloadPlaintext, sealLinkPayload } from '../../../src/common/protocol/deviceLinkPayload';
import { fixedBytes, fixedEd25519, fixedX25519, flip, pairHex, vectorUser } from './fixedKeys';

export async function buildXWingDeviceLinkVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const approver = alice.devices[0]!;
  const approverKeys = { deviceId: approver.deviceId, ed25519: toBase64Url(approver.ed25519.publicKey) };
  const deviceId = 'alice-laptop';
  const x25519 = await fixedX25519(provider, `xwing-link/${deviceId}/x25519`);
  const ed25519 = await fixedEd25519(provider, `xwing-link/${deviceId}/ed25519`);
  const xwing = xwingGenerateKeyPair(provider, await fixedBytes(provider, `xwing-link/${deviceId}/xwing`));
  const other = xwingGenerateKeyPair(provider, await fixedBytes(provider, 'xwing-link/mallory/xwing'));
  const keys: LinkingDeviceKeys = {
    deviceId,
    x25519: toBase64Url(x25519.publicKey),
    ed25519: toBase64Url(ed25519.publicKey),
    xwing: toBase64Url(xwing.publicKey),
  };
  const linkId = toBase64Url(await fixedBytes(provider, 'xwing-link/1/link-id', 16));
  const code = 'X4NGP0QK7M';
  // eseed = ML-KEM coins (32) ‖ X25519 ephemeral secret (32), draft-connolly-cfrg-xwing-kem EncapsulateDerand.
  const eseed = new Uint8Array([...(await fixedBytes(provider, 'xwing-link/1/eseed-ml-kem')), ...(await fixedBytes(provider, 'xwing-link/1/eseed-x25519'))]);
  const payload = await sealLinkPayload(provider, linkId, keys, alice.account.privateKey, undefined, eseed);
  const fingerprintInput = linkFingerprintInput(keys);
  const confirmInput = confirmationInput(linkId, keys, approverKeys);
  const { xwing: _stripped, ...withoutXWing } = keys;
  const swapped = { ...keys, xwing: toBase64Url(other.publicKey) };
  const classical = await sealBase(
    provider,
    x25519.publicKey,
    linkPayloadInfo(linkId),
    linkPayloadAad(deviceId),
    linkPayloadPlaintext(alice.account.privateKey),
    await fixedX25519(provider, 'xwing-link/1/classical-ephemeral'),
  );
  const opening = (name: string, p: unknown, error: string, at: { linkId?: string; deviceId?: string; xwingPrivateKey?: Uint8Array } = {}) => ({
    name,
    linkId: at.linkId ?? linkId,
    deviceId: at.deviceId ?? deviceId,
    x25519PrivateKey: toHex(x25519.privateKey),
    xwingPrivateKey: toHex(at.xwingPrivateKey ?? xwing.privateKey),
    payload: p,
    error,
  });
  const { suite: _suite, ...suiteRemoved } = payload;
  return {
    description:
      'Device links to a new device with an X-Wing key (docs/protocol.md §14.2-14.4). fingerprint = b64u(SHA-256(tuple("seed-device-link-keys-v1", deviceId, x25519, ed25519, xwing))[0..16]); confirmation = uint32_be(SHA-256(tuple("seed-device-link-confirm-v1", linkId, newDeviceId, newX25519, newEd25519, approverDeviceId, approverEd25519, newXWing))[0..4]) mod 10^6; payload = HPKE base mode (X-Wing 0x647a, HKDF-SHA256, AES-256-GCM) to the new device X-Wing key, suite "xwing", info, aad and pt as in device-links.json; eseed = the 64-byte X-Wing encapsulation randomness. Keys hex (X-Wing private key = 32-byte seed, public key 1,216 bytes); wire fields base64url.',
    account: { userId: alice.userId, ...pairHex(alice.account) },
    approver: { deviceId: approver.deviceId, keys: approverKeys },
    valid: [
      {
        name: `alice-desktop approves ${deviceId}, which has an X-Wing key`,
        linkId,
        code,
        newDevice: { deviceId, x25519: pairHex(x25519), ed25519: pairHex(ed25519), xwing: pairHex(xwing), keys },
        fingerprint: { input: toHex(fingerprintInput), sha256: toHex(await provider.sha256(fingerprintInput)), value: await linkFingerprint(provider, keys) },
        qrPayload: await linkQrPayload(provider, code, keys),
        confirmation: {
          input: toHex(confirmInput),
          sha256: toHex(await provider.sha256(confirmInput)),
          code: await confirmationCode(provider, linkId, keys, approverKeys),
        },
        payload: {
          eseed: toHex(eseed),
          info: toHex(linkPayloadInfo(linkId)),
          aad: toHex(linkPayloadAad(deviceId)),
          plaintext: utf8Decode(linkPayloadPlaintext(alice.account.privateKey)),
          ...payload,
        },
      },
    ],
    invalid: {
      payloads: [
        opening(
          'an X25519 payload to a device that published an X-Wing key',
          { enc: toBase64Url(classical.enc), ct: toBase64Url(classical.ct) },
          'suite_downgrade',
        ),
        opening('opened for another link', payload, 'link_invalid', { linkId: toBase64Url(await fixedBytes(provider, 'xwing-link/2/link-id', 16)) }),
        opening('opened as another device id (aad)', payload, 'link_invalid', { deviceId: 'alice-tablet' }),
        opening("opened with another device's X-Wing key", payload, 'link_invalid', { xwingPrivateKey: other.privateKey }),
        opening('ciphertext bit flipped', { ...payload, ct: flip(payload.ct, 5) }, 'link_invalid'),
        opening('ML-KEM ciphertext bit flipped (implicit rejection)', { ...payload, enc: flip(payload.enc, 10) }, 'link_invalid'),
        opening('X25519 ciphertext bit flipped', { ...payload, enc: flip(payload.enc, 1100) }, 'link_invalid'),
        opening('suite member removed (an X-Wing enc under the X25519 suite)', suiteRemoved, 'link_invalid'),
        opening('suite named x25519 explicitly', { ...payload, suite: 'x25519' }, 'link_invalid'),
      ],
      scans: [
        {
          name: 'the key service strips the X-Wing key from the keys it returns',
          returnedKeys: withoutXWing,
          returnedFingerprint: await linkFingerprint(provider, withoutXWing),
          error: 'link_mismatch',
        },
        {
          name: 'the key service swaps the X-Wing key for its own',
          returnedKeys: swapped,
          returnedFingerprint: await linkFingerprint(provider, swapped),
          error: 'link_mismatch',
        },
      ],
      confirmations: [
        {
          name: 'the key service strips the X-Wing key: the two screens differ',
          approverSaw: withoutXWing,
          approverShows: await confirmationCode(provider, linkId, withoutXWing, approverKeys),
          error: 'link_mismatch',
        },
        {
          name: 'the key service swaps the X-Wing key for its own: the two screens differ',
          approverSaw: swapped,
          approverShows: await confirmationCode(provider, linkId, swapped, approverKeys),
          error: 'link_mismatch',
        },
      ],
    },
  };
}
