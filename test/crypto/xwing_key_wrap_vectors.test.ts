/**
 * `test/vectors/xwing-key-wraps.json` (docs/protocol.md §5.1) replayed: every valid wrap is rebuilt byte for
 * byte from its eseed and opens to its key with our code on each provider and with the independent
 * implementation (`@hpke/core` + `@hpke/hybridkem-x-wing`), whose seal from the same eseed is the same
 * wrap; its digest covers the suite; every invalid case fails with its code.
 */
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { DeviceId } from '../../src/common/ids';
import { wrapDigest, wrapDigestInput } from '../../src/common/protocol/keyVersionRecord';
import { unwrapKey, wrapKey, type KeyWrap, type WrapPurpose } from '../../src/common/protocol/keyWrap';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import file from '../vectors/xwing-key-wraps.json';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const independent = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;

describe.each(providers)('X-Wing key-wrap vectors, %s provider', (_name, provider) => {
  for (const v of file.valid) {
    it(`${v.name}: rebuilt from the eseed, opened, digest over the suite`, async () => {
      const common = { purpose: v.purpose as WrapPurpose, scopeId: v.scopeId, version: v.version };
      const rebuilt = await wrapKey(provider, {
        ...common,
        recipientDeviceId: v.deviceId as DeviceId,
        recipientPublicKey: new Uint8Array(32),
        recipientXWingPublicKey: fromHex(v.recipient.publicKey),
        key: fromHex(v.key),
        eseed: fromHex(v.eseed),
      });
      expect(rebuilt).toEqual(v.wrap);
      const key = await unwrapKey(provider, {
        ...common,
        wrap: v.wrap as KeyWrap,
        deviceId: v.deviceId as DeviceId,
        privateKey: new Uint8Array(32),
        xwingPrivateKey: fromHex(v.recipient.privateKey),
      });
      expect(toHex(key)).toBe(v.key);
      expect(toHex(wrapDigestInput(v.wrap as KeyWrap))).toBe(v.wrapDigestInput);
      expect(await wrapDigest(provider, v.wrap as KeyWrap)).toBe(v.wrapDigest);
    });
  }

  for (const c of file.invalid) {
    it(`invalid: ${c.name} → ${c.error}`, async () => {
      await expect(
        unwrapKey(provider, {
          purpose: c.purpose as WrapPurpose,
          scopeId: c.scopeId,
          version: c.version,
          wrap: c.wrap as KeyWrap,
          deviceId: c.deviceId as DeviceId,
          privateKey: new Uint8Array(32),
          ...('noXWingKey' in c ? {} : { xwingPrivateKey: fromHex(c.recipient.privateKey) }),
        }),
      ).rejects.toMatchObject({ code: c.error });
    });
  }
});

describe('X-Wing key-wrap vectors, independent implementation (@hpke/core + @hpke/hybridkem-x-wing)', () => {
  for (const v of file.valid) {
    it(`${v.name}: opens the wrap, and seals the same wrap from the same eseed`, async () => {
      const skR = await independent.kem.deserializePrivateKey(buf(fromHex(v.recipient.privateKey)));
      const pt = await independent.open(
        { recipientKey: skR, enc: buf(fromBase64Url(v.wrap.enc)), info: buf(fromHex(v.info)) },
        buf(fromBase64Url(v.wrap.ct)),
        buf(fromHex(v.aad)),
      );
      expect(toHex(new Uint8Array(pt))).toBe(v.key);
      const pkR = await independent.kem.deserializePublicKey(buf(fromHex(v.recipient.publicKey)));
      const sender = await independent.createSenderContext({ recipientPublicKey: pkR, info: buf(fromHex(v.info)), ekm: fromHex(v.eseed) });
      const ct = new Uint8Array(await sender.seal(buf(fromHex(v.key)), buf(fromHex(v.aad))));
      expect(toHex(new Uint8Array(sender.enc))).toBe(toHex(fromBase64Url(v.wrap.enc)));
      expect(toHex(ct)).toBe(toHex(fromBase64Url(v.wrap.ct)));
    });
  }

  it('refuses the tampered wraps too', async () => {
    const skR = await independent.kem.deserializePrivateKey(buf(fromHex(file.valid[0]!.recipient.privateKey)));
    const tampered = file.invalid.filter((x) => x.error === 'bad_tag' && x.name.includes('flipped'));
    expect(tampered).toHaveLength(3);
    for (const c of tampered) {
      await expect(
        independent.open(
          { recipientKey: skR, enc: buf(fromBase64Url(c.wrap.enc)), info: buf(fromHex(file.valid[0]!.info)) },
          buf(fromBase64Url(c.wrap.ct)),
          buf(fromHex(file.valid[0]!.aad)),
        ),
      ).rejects.toThrow();
    }
  });
});
