/**
 * X-Wing known answers: the three vectors of draft-connolly-cfrg-xwing-kem (its `spec/test-vectors.json`,
 * test/vectors/README.md) replayed through our module (ML-KEM-768 of `@noble/post-quantum`, the provider's X25519, `@noble/hashes` SHA3) and, independently,
 * through `@hpke/hybridkem-x-wing` (over the `mlkem` package); plus the typed failures of bad inputs.
 */
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import {
  xwingDecapsulate,
  xwingEncapsulate,
  xwingGenerateKeyPair,
  xwingPublicKey,
  XWING_CIPHERTEXT_LENGTH,
  XWING_PUBLIC_KEY_LENGTH,
} from '../../src/common/crypto/xwing';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import { MalformedError } from '../../src/common/protocol/errors';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';
import vectors from '../vectors/external/xwing-draft-test-vectors.json';

const provider = chooseCryptoProvider().provider;

describe('X-Wing, draft-connolly-cfrg-xwing-kem test vectors', () => {
  it('has the three vectors of the draft', () => {
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(fromHex(v.pk)).toHaveLength(XWING_PUBLIC_KEY_LENGTH);
      expect(fromHex(v.ct)).toHaveLength(XWING_CIPHERTEXT_LENGTH);
    }
  });

  vectors.forEach((v, i) => {
    it(`vector ${i}: GenerateKeyPairDerand, EncapsulateDerand and Decapsulate (ours)`, async () => {
      const pair = xwingGenerateKeyPair(provider, fromHex(v.seed));
      expect(toHex(pair.privateKey)).toBe(v.sk);
      expect(toHex(pair.publicKey)).toBe(v.pk);
      expect(toHex(xwingPublicKey(fromHex(v.sk)))).toBe(v.pk);
      const { sharedSecret, ciphertext } = await xwingEncapsulate(provider, fromHex(v.pk), fromHex(v.eseed));
      expect(toHex(ciphertext)).toBe(v.ct);
      expect(toHex(sharedSecret)).toBe(v.ss);
      expect(toHex(await xwingDecapsulate(provider, fromHex(v.ct), fromHex(v.sk)))).toBe(v.ss);
    });

    it(`vector ${i}: the independent implementation (@hpke/hybridkem-x-wing) gives the same bytes`, async () => {
      const kem = new XWing();
      const pair = await kem.generateKeyPairDerand(fromHex(v.seed));
      expect(toHex(new Uint8Array(await kem.serializePublicKey(pair.publicKey)))).toBe(v.pk);
      const { sharedSecret, enc } = await kem.encap({ recipientPublicKey: pair.publicKey, ekm: fromHex(v.eseed) });
      expect(toHex(new Uint8Array(enc))).toBe(v.ct);
      expect(toHex(new Uint8Array(sharedSecret))).toBe(v.ss);
    });
  });

  it('a changed ciphertext decapsulates to another secret (implicit rejection), never the sender’s', async () => {
    const v = vectors[0] as (typeof vectors)[number];
    for (const at of [0, 1087, 1088, 1119]) {
      const ct = fromHex(v.ct);
      ct[at] = (ct[at] as number) ^ 1;
      expect(toHex(await xwingDecapsulate(provider, ct, fromHex(v.sk)))).not.toBe(v.ss);
    }
  });

  it('a ciphertext whose X25519 half gives an all-zero agreement is refused with MalformedError', async () => {
    const v = vectors[0] as (typeof vectors)[number];
    const ct = fromHex(v.ct);
    ct.fill(0, 1088);
    await expect(xwingDecapsulate(provider, ct, fromHex(v.sk))).rejects.toBeInstanceOf(MalformedError);
  });

  it('a fresh encapsulation opens, with the provider’s ephemeral X25519 and without it', async () => {
    const pair = xwingGenerateKeyPair(provider);
    const { x25519Ephemeral: _unused, ...withoutEphemeral } = provider;
    for (const p of [provider, withoutEphemeral]) {
      const { sharedSecret, ciphertext } = await xwingEncapsulate(p, pair.publicKey);
      expect(toHex(await xwingDecapsulate(p, ciphertext, pair.privateKey))).toBe(toHex(sharedSecret));
    }
  });

  it('refuses wrong lengths and an invalid encapsulation key with MalformedError', async () => {
    const v = vectors[0] as (typeof vectors)[number];
    const pk = fromHex(v.pk);
    await expect(xwingEncapsulate(provider, pk.subarray(0, 1215))).rejects.toBeInstanceOf(MalformedError);
    await expect(xwingEncapsulate(provider, pk, new Uint8Array(63))).rejects.toBeInstanceOf(MalformedError);
    await expect(xwingDecapsulate(provider, fromHex(v.ct).subarray(1), fromHex(v.sk))).rejects.toBeInstanceOf(MalformedError);
    await expect(xwingDecapsulate(provider, fromHex(v.ct), new Uint8Array(31))).rejects.toBeInstanceOf(MalformedError);
    expect(() => xwingGenerateKeyPair(provider, new Uint8Array(33))).toThrow(MalformedError);
    // ML-KEM's modulus check (FIPS 203 §7.2): coefficients of 0xfff are >= q.
    const badModulus = pk.slice();
    badModulus.fill(0xff, 0, 384);
    await expect(xwingEncapsulate(provider, badModulus)).rejects.toBeInstanceOf(MalformedError);
    // An X25519 half of zeros gives an all-zero DH (RFC 7748 §6.1).
    const zeroX = pk.slice();
    zeroX.fill(0, 1184);
    await expect(xwingEncapsulate(provider, zeroX)).rejects.toBeInstanceOf(MalformedError);
  });
});
