/**
 * `test/vectors/xwing-device-links.json` (docs/protocol.md §14.2–14.4) replayed from the file alone: the
 * fingerprint and confirmation code of a new device with an X-Wing key cover that key; the account key
 * payload is rebuilt byte for byte from its eseed and opens to the account key on each provider, and with
 * the independent implementation (`@hpke/core` + `@hpke/hybridkem-x-wing`), whose seal from the same eseed
 * is the same payload. An X25519 payload to that device is `suite_downgrade`, before anything is opened;
 * altered or misdirected payloads are `link_invalid`; a key service that strips or swaps the X-Wing key
 * changes the fingerprint and the approver's code (`link_mismatch`).
 */
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { linkFingerprint, linkFingerprintInput, linkQrPayload, type LinkingDeviceKeys } from '../../src/common/protocol/deviceLinkCode';
import { confirmationCode, confirmationInput } from '../../src/common/protocol/deviceLinkConfirmation';
import { linkPayloadAad, linkPayloadInfo, linkPayloadPlaintext, openLinkPayload, sealLinkPayload } from '../../src/common/protocol/deviceLinkPayload';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import file from '../vectors/xwing-device-links.json';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const independent = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;
const link = file.valid[0]!;
const keys = link.newDevice.keys as LinkingDeviceKeys;

describe.each(providers)('X-Wing device-link vectors, %s provider', (_name, provider) => {
  it('fingerprint, QR payload and confirmation code cover the X-Wing key', async () => {
    expect(toHex(linkFingerprintInput(keys))).toBe(link.fingerprint.input);
    expect(link.fingerprint.input.endsWith(`000004c0${link.newDevice.xwing.publicKey}`)).toBe(true);
    expect(toHex(await provider.sha256(fromHex(link.fingerprint.input)))).toBe(link.fingerprint.sha256);
    expect(await linkFingerprint(provider, keys)).toBe(link.fingerprint.value);
    expect(await linkQrPayload(provider, link.code, keys)).toBe(link.qrPayload);
    expect(toHex(confirmationInput(link.linkId, keys, file.approver.keys))).toBe(link.confirmation.input);
    expect(link.confirmation.input.endsWith(`000004c0${link.newDevice.xwing.publicKey}`)).toBe(true);
    expect(await confirmationCode(provider, link.linkId, keys, file.approver.keys)).toBe(link.confirmation.code);
  });

  it('the payload: rebuilt from the eseed, named X-Wing, opened to the account key', async () => {
    expect(toHex(linkPayloadInfo(link.linkId))).toBe(link.payload.info);
    expect(toHex(linkPayloadAad(keys.deviceId))).toBe(link.payload.aad);
    expect(linkPayloadPlaintext(fromHex(file.account.privateKey))).toEqual(utf8Encode(link.payload.plaintext));
    const { eseed, info: _i, aad: _a, plaintext: _p, ...wire } = link.payload;
    expect(wire.suite).toBe('xwing');
    expect(await sealLinkPayload(provider, link.linkId, keys, fromHex(file.account.privateKey), undefined, fromHex(eseed))).toEqual(wire);
    const opened = await openLinkPayload(
      provider,
      link.linkId,
      { deviceId: keys.deviceId, x25519PrivateKey: fromHex(link.newDevice.x25519.privateKey), xwingPrivateKey: fromHex(link.newDevice.xwing.privateKey) },
      wire,
    );
    expect(toHex(opened)).toBe(file.account.privateKey);
    // The approver seals X-Wing whenever the link names an X-Wing key (fresh randomness: another enc, same opening).
    const fresh = await sealLinkPayload(provider, link.linkId, keys, fromHex(file.account.privateKey));
    expect(fresh.suite).toBe('xwing');
    expect(fresh.enc).not.toBe(wire.enc);
  });

  for (const c of file.invalid.payloads) {
    it(`invalid payload: ${c.name} → ${c.error}`, async () => {
      await expect(
        openLinkPayload(
          provider,
          c.linkId,
          { deviceId: c.deviceId, x25519PrivateKey: fromHex(c.x25519PrivateKey), xwingPrivateKey: fromHex(c.xwingPrivateKey) },
          c.payload,
        ),
      ).rejects.toMatchObject({ code: c.error });
    });
  }

  it('a stripped or swapped X-Wing key changes the fingerprint and the code the approver shows', async () => {
    for (const s of file.invalid.scans) {
      expect(await linkFingerprint(provider, s.returnedKeys as LinkingDeviceKeys)).toBe(s.returnedFingerprint);
      expect(s.returnedFingerprint).not.toBe(link.fingerprint.value);
    }
    for (const c of file.invalid.confirmations) {
      expect(await confirmationCode(provider, link.linkId, c.approverSaw as LinkingDeviceKeys, file.approver.keys)).toBe(c.approverShows);
      expect(c.approverShows).not.toBe(link.confirmation.code);
    }
  });
});

describe('X-Wing device-link vectors, independent implementation (@hpke/core + @hpke/hybridkem-x-wing)', () => {
  it('opens the payload, and seals the same payload from the same eseed', async () => {
    const info = buf(fromHex(link.payload.info));
    const aad = buf(fromHex(link.payload.aad));
    const skR = await independent.kem.deserializePrivateKey(buf(fromHex(link.newDevice.xwing.privateKey)));
    const pt = await independent.open({ recipientKey: skR, enc: buf(fromBase64Url(link.payload.enc)), info }, buf(fromBase64Url(link.payload.ct)), aad);
    expect(new Uint8Array(pt)).toEqual(utf8Encode(link.payload.plaintext));
    const pkR = await independent.kem.deserializePublicKey(buf(fromBase64Url(keys.xwing as string)));
    const sender = await independent.createSenderContext({ recipientPublicKey: pkR, info, ekm: fromHex(link.payload.eseed) });
    const ct = new Uint8Array(await sender.seal(buf(utf8Encode(link.payload.plaintext)), aad));
    expect(toHex(new Uint8Array(sender.enc))).toBe(toHex(fromBase64Url(link.payload.enc)));
    expect(toHex(ct)).toBe(toHex(fromBase64Url(link.payload.ct)));
  });

  it('refuses the altered payloads too', async () => {
    const skR = await independent.kem.deserializePrivateKey(buf(fromHex(link.newDevice.xwing.privateKey)));
    const flipped = file.invalid.payloads.filter((c) => c.name.includes('flipped'));
    expect(flipped).toHaveLength(3);
    for (const c of flipped) {
      const p = c.payload as { enc: string; ct: string };
      await expect(
        independent.open(
          { recipientKey: skR, enc: buf(fromBase64Url(p.enc)), info: buf(fromHex(link.payload.info)) },
          buf(fromBase64Url(p.ct)),
          buf(fromHex(link.payload.aad)),
        ),
      ).rejects.toThrow();
    }
  });
});
