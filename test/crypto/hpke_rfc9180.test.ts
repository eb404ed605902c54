/**
 * RFC 9180 known-answer tests for our suite (mode_base, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * AES-256-GCM): every intermediate value, all 257 sequence numbers and the exports, plus failures
 * that must be typed errors.
 */
import { describe, expect, it } from 'vitest';
import { setupBaseRecipient, setupBaseSender } from '../../src/common/crypto/hpke/base';
import { exporterSecret, keyScheduleBase } from '../../src/common/crypto/hpke/context';
import { decap, deriveKeyPair, encap } from '../../src/common/crypto/hpke/dhkem';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import file from '../vectors/rfc9180-x25519-sha256-aes256gcm.json';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const vector = file.vectors[0];
if (!vector) throw new Error('no RFC 9180 vector');

describe.each(providers)('RFC 9180 vectors, X25519 / HKDF-SHA256 / AES-256-GCM, base mode, %s provider', (_name, provider) => {
  it('covers the suite we use', () => {
    expect([vector.mode, vector.kem_id, vector.kdf_id, vector.aead_id]).toEqual([0, 0x20, 0x01, 0x02]);
  });

  it('DeriveKeyPair reproduces the ephemeral and recipient keys', async () => {
    const e = await deriveKeyPair(provider, fromHex(vector.ikmE));
    expect(toHex(e.privateKey)).toBe(vector.skEm);
    expect(toHex(e.publicKey)).toBe(vector.pkEm);
    const r = await deriveKeyPair(provider, fromHex(vector.ikmR));
    expect(toHex(r.privateKey)).toBe(vector.skRm);
    expect(toHex(r.publicKey)).toBe(vector.pkRm);
  });

  it('Encap with the vector ephemeral and Decap give the shared secret', async () => {
    const ephemeral = { privateKey: fromHex(vector.skEm), publicKey: fromHex(vector.pkEm) };
    const { sharedSecret, enc } = await encap(provider, fromHex(vector.pkRm), ephemeral);
    expect(toHex(enc)).toBe(vector.enc);
    expect(toHex(sharedSecret)).toBe(vector.shared_secret);
    expect(toHex(await decap(provider, enc, fromHex(vector.skRm)))).toBe(vector.shared_secret);
  });

  it('the key schedule gives key, base nonce and exporter secret', async () => {
    const ks = await keyScheduleBase(provider, fromHex(vector.shared_secret), fromHex(vector.info));
    expect(toHex(ks.key)).toBe(vector.key);
    expect(toHex(ks.baseNonce)).toBe(vector.base_nonce);
    expect(toHex(await exporterSecret(provider, ks))).toBe(vector.exporter_secret);
  });

  it('seals and opens every encryption in sequence, and exports', async () => {
    const ephemeral = { privateKey: fromHex(vector.skEm), publicKey: fromHex(vector.pkEm) };
    const { enc, context: sender } = await setupBaseSender(provider, fromHex(vector.pkRm), fromHex(vector.info), ephemeral);
    const recipient = await setupBaseRecipient(provider, enc, fromHex(vector.skRm), fromHex(vector.info));
    expect(vector.encryptions.length).toBe(257);
    for (const e of vector.encryptions) {
      const ct = await sender.seal(fromHex(e.aad), fromHex(e.pt));
      expect(toHex(ct)).toBe(e.ct);
      expect(toHex(await recipient.open(fromHex(e.aad), ct))).toBe(e.pt);
    }
    for (const x of vector.exports) {
      expect(toHex(await sender.export(fromHex(x.exporter_context), x.L))).toBe(x.exported_value);
      expect(toHex(await recipient.export(fromHex(x.exporter_context), x.L))).toBe(x.exported_value);
    }
  });

  it('rejects a modified ciphertext, aad or info with bad_tag', async () => {
    const first = vector.encryptions[0];
    if (!first) throw new Error('no encryption');
    const open = async (info: string, aad: string, ct: Uint8Array) =>
      (await setupBaseRecipient(provider, fromHex(vector.enc), fromHex(vector.skRm), fromHex(info))).open(fromHex(aad), ct);
    const ct = fromHex(first.ct);
    ct[3] = (ct[3] ?? 0) ^ 1;
    await expect(open(vector.info, first.aad, ct)).rejects.toMatchObject({ code: 'bad_tag' });
    await expect(open(vector.info, '00', fromHex(first.ct))).rejects.toMatchObject({ code: 'bad_tag' });
    await expect(open('00', first.aad, fromHex(first.ct))).rejects.toMatchObject({ code: 'bad_tag' });
  });

  it('rejects an all-zero (low-order) enc with a typed error', async () => {
    await expect(decap(provider, new Uint8Array(32), fromHex(vector.skRm))).rejects.toMatchObject({ code: 'malformed' });
    await expect(decap(provider, new Uint8Array(31), fromHex(vector.skRm))).rejects.toMatchObject({ code: 'malformed' });
  });
});
