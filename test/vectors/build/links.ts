/**
 * Vectors for device linking (docs/protocol.md §14): for two links of alice's account, the new device's
 * key fingerprint and QR payload, the confirmation code both devices show, and the account key sealed to
 * the new device with a fixed HPKE ephemeral key (so the payload is reproducible byte for byte); what a
 * person may type or scan; and invalid payloads, inputs and substituted keys with the code they produce.
 */
import { sealBase } from '../../../src/common/crypto/hpke/base';
import type { CryptoProvider, RawKeyPair } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Decode, utf8Encode } from '../../../src/common/encoding/utf8';
import { LINK_CODE_ALPHABET, linkFingerprint, linkFingerprintInput, linkQrPayload, type LinkingDeviceKeys } from '../../../src/common/protocol/deviceLinkCode';
import { confirmationCode, confirmationInput } from '../../../src/common/protocol/deviceLinkConfirmation';
import { linkPayloadAad, linkPayloadInfo, linkPayloadPlaintext, sealLinkPayload } from '../../../src/common/protocol/deviceLinkPayload';
import { fixedBytes, fixedEd25519, fixedX25519, flip, pairHex, vectorUser } from './fixedKeys';

interface NewDevice {
  readonly deviceId: string;
  readonly x25519: RawKeyPair;
  readonly ed25519: RawKeyPair;
  readonly keys: LinkingDeviceKeys;
}

async function newDevice(provider: CryptoProvider, deviceId: string): Promise<NewDevice> {
  const x25519 = await fixedX25519(provider, `${deviceId}/x25519`);
  const ed25519 = await fixedEd25519(provider, `${deviceId}/ed25519`);
  return { deviceId, x25519, ed25519, keys: { deviceId, x25519: toBase64Url(x25519.publicKey), ed25519: toBase64Url(ed25519.publicKey) } };
}

/** A link code as the key service makes one: each of 10 random bytes, low 5 bits, indexes the alphabet. */
async function linkCode(provider: CryptoProvider, label: string): Promise<string> {
  return [...(await fixedBytes(provider, label, 10))].map((b) => LINK_CODE_ALPHABET[b & 31]).join('');
}

export async function buildDeviceLinkVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const approver = alice.devices[0]!;
  const approverKeys = { deviceId: approver.deviceId, ed25519: toBase64Url(approver.ed25519.publicKey) };
  const mallory = await newDevice(provider, 'mallory-laptop');
  const link = async (n: number, deviceId: string) => {
    const device = await newDevice(provider, deviceId);
    const linkId = toBase64Url(await fixedBytes(provider, `link/${n}/link-id`, 16));
    const code = await linkCode(provider, `link/${n}/code`);
    const ephemeral = await fixedX25519(provider, `link/${n}/payload/ephemeral`);
    const payload = await sealLinkPayload(provider, linkId, device.keys, alice.account.privateKey, ephemeral);
    const fingerprintInput = linkFingerprintInput(device.keys);
    const confirmInput = confirmationInput(linkId, device.keys, approverKeys);
    return {
      device,
      linkId,
      code,
      payload,
      json: {
        name: `alice-desktop approves ${deviceId}`,
        linkId,
        code,
        newDevice: { deviceId, x25519: pairHex(device.x25519), ed25519: pairHex(device.ed25519), keys: device.keys },
        fingerprint: {
          input: toHex(fingerprintInput),
          sha256: toHex(await provider.sha256(fingerprintInput)),
          value: await linkFingerprint(provider, device.keys),
        },
        qrPayload: await linkQrPayload(provider, code, device.keys),
        confirmation: {
          input: toHex(confirmInput),
          sha256: toHex(await provider.sha256(confirmInput)),
          code: await confirmationCode(provider, linkId, device.keys, approverKeys),
        },
        payload: {
          ephemeral: pairHex(ephemeral),
          info: toHex(linkPayloadInfo(linkId)),
          aad: toHex(linkPayloadAad(deviceId)),
          plaintext: utf8Decode(linkPayloadPlaintext(alice.account.privateKey)),
          ...payload,
        },
      },
    };
  };
  const laptop = await link(1, 'alice-laptop');
  const tablet = await link(2, 'alice-tablet');
  /** A payload sealed for the laptop's link whose plaintext is not the account-key object. */
  const sealedText = async (text: string) => {
    const { enc, ct } = await sealBase(
      provider,
      laptop.device.x25519.publicKey,
      linkPayloadInfo(laptop.linkId),
      linkPayloadAad(laptop.device.deviceId),
      utf8Encode(text),
      await fixedX25519(provider, 'link/1/payload/ephemeral'),
    );
    return { enc: toBase64Url(enc), ct: toBase64Url(ct) };
  };
  const key = toBase64Url(alice.account.privateKey);
  const opening = (name: string, payload: unknown, at: { linkId?: string; deviceId?: string; privateKey?: Uint8Array } = {}) => ({
    name,
    linkId: at.linkId ?? laptop.linkId,
    deviceId: at.deviceId ?? laptop.device.deviceId,
    x25519PrivateKey: toHex(at.privateKey ?? laptop.device.x25519.privateKey),
    payload,
    error: 'link_invalid',
  });
  const swappedKeys = { ...laptop.device.keys, x25519: mallory.keys.x25519 };
  return {
    description:
      'Device linking (docs/protocol.md §14). fingerprint = b64u(SHA-256(tuple("seed-device-link-keys-v1", deviceId, x25519, ed25519))[0..16]); qrPayload = "seed-link:1:" code ":" fingerprint; confirmation = uint32_be(SHA-256(tuple("seed-device-link-confirm-v1", linkId, newDeviceId, newX25519, newEd25519, approverDeviceId, approverEd25519))[0..4]) mod 10^6, "ddd ddd"; payload = HPKE base mode (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) to the new device x25519 key, info = tuple("seed-device-link-v1", linkId), aad = tuple("seed-device-link-recipient-v1", newDeviceId), pt = canonicalJson({"v":1,"accountPrivateKey":b64u(account Ed25519 seed)}). Keys in tuples are the raw 32 bytes.',
    account: { userId: alice.userId, ...pairHex(alice.account) },
    approver: { deviceId: approver.deviceId, ed25519: pairHex(approver.ed25519), keys: approverKeys, certificate: approver.certificate },
    valid: [laptop.json, tablet.json],
    inputs: {
      valid: [
        { input: laptop.code, code: laptop.code },
        { input: ` ${laptop.code.slice(0, 5).toLowerCase()}-${laptop.code.slice(5)} `, code: laptop.code },
        { input: `${tablet.code.slice(0, 3)} ${tablet.code.slice(3, 6)} ${tablet.code.slice(6)}`, code: tablet.code },
        { input: laptop.json.qrPayload, code: laptop.code, fingerprint: laptop.json.fingerprint.value },
      ],
      invalid: [
        { input: '', error: 'link_invalid' },
        { input: 'not a code', error: 'link_invalid' },
        { input: `${laptop.code.slice(0, 9)}I`, error: 'link_invalid' },
        { input: `${laptop.code}0`, error: 'link_invalid' },
        { input: `seed-link:1:${laptop.code}`, error: 'link_invalid' },
        { input: `seed-link:1:${laptop.code}:`, error: 'link_invalid' },
        { input: `${laptop.json.qrPayload}:extra`, error: 'link_invalid' },
        { input: `seed-link:2:${laptop.code}:${laptop.json.fingerprint.value}`, error: 'link_invalid' },
      ],
    },
    invalid: {
      payloads: [
        opening('opened for another link', laptop.payload, { linkId: tablet.linkId }),
        opening('opened as another device id (aad)', laptop.payload, { deviceId: tablet.device.deviceId }),
        opening("opened with another device's key", laptop.payload, { privateKey: tablet.device.x25519.privateKey }),
        opening('ciphertext bit flipped', { ...laptop.payload, ct: flip(laptop.payload.ct, 5) }),
        opening('enc bit flipped', { ...laptop.payload, enc: flip(laptop.payload.enc, 3) }),
        opening('enc of 31 bytes', { ...laptop.payload, enc: toBase64Url(new Uint8Array(31)) }),
        opening('unknown member', { ...laptop.payload, note: 'x' }),
        opening('plaintext version 2', await sealedText(`{"accountPrivateKey":"${key}","v":2}`)),
        opening('plaintext with an extra member', await sealedText(`{"accountPrivateKey":"${key}","admin":true,"v":1}`)),
        opening('plaintext key of 31 bytes', await sealedText(`{"accountPrivateKey":"${toBase64Url(alice.account.privateKey.subarray(0, 31))}","v":1}`)),
        opening('plaintext not JSON', await sealedText('accountPrivateKey')),
      ],
      scans: [
        {
          name: 'the key service returns other keys than the scanned QR pins (x25519 swapped)',
          input: laptop.json.qrPayload,
          returnedKeys: swappedKeys,
          returnedFingerprint: await linkFingerprint(provider, swappedKeys),
          error: 'link_mismatch',
        },
      ],
      confirmations: [
        {
          name: "the key service swaps the new device's x25519 key: the two screens differ",
          linkId: laptop.linkId,
          newDevice: laptop.device.keys,
          newDeviceShows: laptop.json.confirmation.code,
          approverSaw: swappedKeys,
          approverShows: await confirmationCode(provider, laptop.linkId, swappedKeys, approverKeys),
          error: 'link_mismatch',
        },
      ],
    },
  };
}
