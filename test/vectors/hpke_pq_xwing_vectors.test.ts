/**
 * draft-ietf-hpke-pq's own test vectors for the X-Wing KEM (0x647a, "MLKEM768-X25519"), replayed through
 * our code on every crypto provider (test/vectors/README.md, `external/hpke-pq-xwing-test-vectors.json`:
 * the draft's two X-Wing entries, HKDF-SHA256 and SHAKE256 KDFs, both with ChaCha20-Poly1305).
 *
 * What is ours and what is checked: the recipient's key pair from its seed (`xwingPublicKey`; and
 * DeriveKeyPair = SHAKE256.LabeledDerive(ikmR, "DeriveKeyPair", "", 32) under suite_id `KEM\x64\x7a`),
 * Decap of the vector's `enc` (`xwingDecapsulate`), Encap with `ikmE` as the 64 bytes of encapsulation
 * randomness (`xwingEncapsulate`, the derandomized form our wraps' vectors use), and, for the HKDF-SHA256
 * entry, the RFC 9180 key schedule (`keyScheduleBase`, `exporterSecret`) under the vector's own suite_id →
 * `key`, `base_nonce`, `exporter_secret`. Our wraps use AES-256-GCM, which the draft has no X-Wing vector
 * for; the ChaCha20-Poly1305 ciphertexts are opened here with node:crypto under the key our schedule
 * derived (the AEAD is not ours — this shows the derived key is the draft's), and the AES-256-GCM wraps are
 * cross-checked against `@hpke/core` in test/crypto/hpke_xwing_cross_check.test.ts. The SHAKE256 KDF
 * (0x0011) is not implemented here: that entry checks the KEM only.
 */
import { createDecipheriv } from 'node:crypto';
import { shake256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { exporterSecret, keyScheduleBase } from '../../src/common/crypto/hpke/context';
import { XWING_KEM_ID } from '../../src/common/crypto/hpke/xwingBase';
import { xwingDecapsulate, xwingEncapsulate, xwingPublicKey } from '../../src/common/crypto/xwing';
import { concatBytes, fromHex, i2osp, toHex } from '../../src/common/encoding/bytes';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import vectors from './external/hpke-pq-xwing-test-vectors.json';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);

/** SHAKE256.LabeledDerive(ikm, label, context, L) with the KEM's suite_id (RFC 9180bis single-stage KDF). */
function labeledDerive(ikm: Uint8Array, suiteId: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const l = utf8Encode(label);
  const input = concatBytes(ikm, utf8Encode('HPKE-v1'), suiteId, i2osp(l.length, 2), l, i2osp(length, 2), context);
  return shake256(input, { dkLen: length });
}

const KEM_SUITE_ID = concatBytes(utf8Encode('KEM'), i2osp(XWING_KEM_ID, 2));

/** ChaCha20-Poly1305 open (node:crypto), for the draft's encryptions. */
function chachaOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  d.setAAD(aad, { plaintextLength: sealed.length - 16 });
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]));
}

describe('draft-ietf-hpke-pq X-Wing test vectors', () => {
  it('holds the draft X-Wing entries: KEM 0x647a, base mode, ChaCha20-Poly1305', () => {
    expect(vectors.map((v) => [v.mode, v.kem_id, v.kdf_id, v.aead_id])).toEqual([
      [0, 0x647a, 0x0001, 0x0003],
      [0, 0x647a, 0x0011, 0x0003],
    ]);
  });

  for (const v of vectors) {
    it(`kdf ${v.kdf_id}: DeriveKeyPair(ikmR) is the seed skRm, and its public key is pkRm`, () => {
      expect(toHex(labeledDerive(fromHex(v.ikmR), KEM_SUITE_ID, 'DeriveKeyPair', new Uint8Array(0), 32))).toBe(v.skRm);
      expect(toHex(xwingPublicKey(fromHex(v.skRm)))).toBe(v.pkRm);
    });
  }

  describe.each(providers)('%s provider', (_name, provider) => {
    for (const v of vectors) {
      it(`kdf ${v.kdf_id}: Decap(enc, skRm) and Encap(pkRm, ikmE) give the vector's shared secret and enc`, async () => {
        expect(toHex(await xwingDecapsulate(provider, fromHex(v.enc), fromHex(v.skRm)))).toBe(v.shared_secret);
        const { sharedSecret, ciphertext } = await xwingEncapsulate(provider, fromHex(v.pkRm), fromHex(v.ikmE));
        expect(toHex(ciphertext)).toBe(v.enc);
        expect(toHex(sharedSecret)).toBe(v.shared_secret);
      });
    }

    const hkdf = vectors.find((v) => v.kdf_id === 0x0001)!;
    it('HKDF-SHA256: the key schedule gives key, base_nonce and exporter_secret, and the key opens every encryption', async () => {
      const suiteId = fromHex(hkdf.suite_id);
      expect(toHex(suiteId)).toBe(`${toHex(utf8Encode('HPKE'))}647a00010003`);
      const schedule = await keyScheduleBase(provider, fromHex(hkdf.shared_secret), fromHex(hkdf.info), suiteId);
      expect(toHex(schedule.key)).toBe(hkdf.key);
      expect(toHex(schedule.baseNonce)).toBe(hkdf.base_nonce);
      expect(toHex(await exporterSecret(provider, schedule))).toBe(hkdf.exporter_secret);
      for (const e of hkdf.encryptions) {
        expect(toHex(chachaOpen(schedule.key, fromHex(e.nonce), fromHex(e.aad), fromHex(e.ct)))).toBe(e.pt);
      }
    });
  });
});
