/**
 * Our native HPKE against `@hpke/core` (an independent implementation on WebCrypto), in both directions,
 * for the suite and for the key-wrap info/aad we use.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { describe, expect, it } from 'vitest';
import { openBase, sealBase } from '../../src/common/crypto/hpke/base';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { wrapAad, wrapInfo } from '../../src/common/protocol/keyWrap';
import { allCryptoProviders } from '../../src/node/crypto/providers';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;

async function libraryKeyPair(): Promise<{ privateKey: Uint8Array; publicKey: Uint8Array; pair: CryptoKeyPair }> {
  const pair = await suite.kem.generateKeyPair();
  const privateKey = new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey));
  const publicKey = new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey));
  return { privateKey, publicKey, pair };
}

const cases = [
  { name: 'empty info and aad', info: new Uint8Array(0), aad: new Uint8Array(0), pt: utf8Encode('hello') },
  { name: 'conversation key wrap', info: wrapInfo('conversation', 'conv_0123456789', 7), aad: wrapAad('device_abcdefgh'), pt: new Uint8Array(32).fill(9) },
  {
    name: 'channel key wrap, long plaintext',
    info: wrapInfo('channel', 'chan_0123456789', 1),
    aad: wrapAad('dev-xyz-123456'),
    pt: new Uint8Array(5000).fill(1),
  },
];

describe.each(providers)('HPKE interop with @hpke/core, %s provider', (_name, provider) => {
  for (const c of cases) {
    it(`@hpke/core seals, we open: ${c.name}`, async () => {
      const r = await libraryKeyPair();
      const sealed = await suite.seal({ recipientPublicKey: r.pair.publicKey, info: buf(c.info) }, buf(c.pt), buf(c.aad));
      const pt = await openBase(provider, new Uint8Array(sealed.enc), r.privateKey, c.info, c.aad, new Uint8Array(sealed.ct));
      expect(pt).toEqual(c.pt);
    });

    it(`we seal, @hpke/core opens: ${c.name}`, async () => {
      const r = await libraryKeyPair();
      const { enc, ct } = await sealBase(provider, r.publicKey, c.info, c.aad, c.pt);
      const pt = await suite.open({ recipientKey: r.pair.privateKey, enc: buf(enc), info: buf(c.info) }, buf(ct), buf(c.aad));
      expect(new Uint8Array(pt)).toEqual(c.pt);
    });
  }

  it('@hpke/core refuses our ciphertext under another info (binding holds across implementations)', async () => {
    const r = await libraryKeyPair();
    const { enc, ct } = await sealBase(provider, r.publicKey, wrapInfo('conversation', 'conv_0123456789', 1), wrapAad('device_abcdefgh'), new Uint8Array(32));
    await expect(
      suite.open(
        { recipientKey: r.pair.privateKey, enc: buf(enc), info: buf(wrapInfo('conversation', 'conv_0123456789', 2)) },
        buf(ct),
        buf(wrapAad('device_abcdefgh')),
      ),
    ).rejects.toThrow();
  });
});
