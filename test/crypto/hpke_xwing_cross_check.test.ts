/**
 * HPKE with X-Wing (KEM 0x647a, HKDF-SHA256, AES-256-GCM; draft-ietf-hpke-pq) against `@hpke/core` with
 * `@hpke/hybridkem-x-wing`, an independent implementation: byte for byte with the same encapsulation
 * randomness, and opened in both directions, for each crypto provider.
 */
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { openBaseXWing, sealBaseXWing, XWING_HPKE_SUITE_ID, XWING_KEM_ID } from '../../src/common/crypto/hpke/xwingBase';
import { xwingGenerateKeyPair } from '../../src/common/crypto/xwing';
import { toHex } from '../../src/common/encoding/bytes';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { BadTagError, MalformedError } from '../../src/common/protocol/errors';
import { wrapAad, wrapInfo } from '../../src/common/protocol/keyWrap';
import { allCryptoProviders } from '../../src/node/crypto/providers';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const suite = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;

const cases = [
  { name: 'empty info and aad', info: new Uint8Array(0), aad: new Uint8Array(0), pt: utf8Encode('hello') },
  { name: 'conversation key wrap', info: wrapInfo('conversation', 'conv_0123456789', 7), aad: wrapAad('device_abcdefgh'), pt: new Uint8Array(32).fill(9) },
  { name: 'channel key wrap', info: wrapInfo('channel', 'chan_0123456789', 1), aad: wrapAad('dev-xyz-123456'), pt: new Uint8Array(32).fill(1) },
];

describe('the X-Wing HPKE suite', () => {
  it('is KEM 0x647a with HKDF-SHA256 and AES-256-GCM, as @hpke/core names it', () => {
    expect(XWING_KEM_ID).toBe(suite.kem.id);
    expect(toHex(XWING_HPKE_SUITE_ID)).toBe(`${toHex(utf8Encode('HPKE'))}647a00010002`);
  });
});

describe.each(providers)('HPKE X-Wing interop with @hpke/core, %s provider', (_name, provider) => {
  for (const c of cases) {
    it(`the same randomness gives the same enc and ct: ${c.name}`, async () => {
      const r = xwingGenerateKeyPair(provider);
      const eseed = provider.randomBytes(64);
      const ours = await sealBaseXWing(provider, r.publicKey, c.info, c.aad, c.pt, eseed);
      const pkR = await suite.kem.deserializePublicKey(buf(r.publicKey));
      const sender = await suite.createSenderContext({ recipientPublicKey: pkR, info: buf(c.info), ekm: eseed.slice() });
      const theirs = new Uint8Array(await sender.seal(buf(c.pt), buf(c.aad)));
      expect(toHex(ours.enc)).toBe(toHex(new Uint8Array(sender.enc)));
      expect(toHex(ours.ct)).toBe(toHex(theirs));
    });

    it(`@hpke/core seals, we open: ${c.name}`, async () => {
      const r = xwingGenerateKeyPair(provider);
      const pkR = await suite.kem.deserializePublicKey(buf(r.publicKey));
      const sealed = await suite.seal({ recipientPublicKey: pkR, info: buf(c.info) }, buf(c.pt), buf(c.aad));
      const pt = await openBaseXWing(provider, new Uint8Array(sealed.enc), r.privateKey, c.info, c.aad, new Uint8Array(sealed.ct));
      expect(pt).toEqual(c.pt);
    });

    it(`we seal, @hpke/core opens: ${c.name}`, async () => {
      const r = xwingGenerateKeyPair(provider);
      const { enc, ct } = await sealBaseXWing(provider, r.publicKey, c.info, c.aad, c.pt);
      const skR = await suite.kem.deserializePrivateKey(buf(r.privateKey));
      const pt = await suite.open({ recipientKey: skR, enc: buf(enc), info: buf(c.info) }, buf(ct), buf(c.aad));
      expect(new Uint8Array(pt)).toEqual(c.pt);
    });
  }

  it('a tampered enc, ct, info or aad fails with BadTagError; a cut enc is MalformedError', async () => {
    const r = xwingGenerateKeyPair(provider);
    const info = wrapInfo('conversation', 'conv_0123456789', 1);
    const aad = wrapAad('device_abcdefgh');
    const { enc, ct } = await sealBaseXWing(provider, r.publicKey, info, aad, new Uint8Array(32).fill(5));
    for (const at of [0, 1100]) {
      const bad = enc.slice();
      bad[at] = (bad[at] as number) ^ 0x80;
      await expect(openBaseXWing(provider, bad, r.privateKey, info, aad, ct)).rejects.toBeInstanceOf(BadTagError);
    }
    const badCt = ct.slice();
    badCt[3] = (badCt[3] as number) ^ 1;
    await expect(openBaseXWing(provider, enc, r.privateKey, info, aad, badCt)).rejects.toBeInstanceOf(BadTagError);
    await expect(openBaseXWing(provider, enc, r.privateKey, wrapInfo('conversation', 'conv_0123456789', 2), aad, ct)).rejects.toBeInstanceOf(BadTagError);
    await expect(openBaseXWing(provider, enc, r.privateKey, info, wrapAad('device_other'), ct)).rejects.toBeInstanceOf(BadTagError);
    await expect(openBaseXWing(provider, enc, xwingGenerateKeyPair(provider).privateKey, info, aad, ct)).rejects.toBeInstanceOf(BadTagError);
    await expect(openBaseXWing(provider, enc.subarray(1), r.privateKey, info, aad, ct)).rejects.toBeInstanceOf(MalformedError);
  });
});
