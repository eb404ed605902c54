/**
 * Every CryptoProvider (node:crypto and libsodium, src/node/crypto/providers.ts) against independent references: X25519 and Ed25519 against RFC 7748 §6.1 and
 * RFC 8032 §7.1 test vectors, AES against NIST SP 800-38 examples via `node:crypto` WebCrypto, and its
 * documented failure results (null / false / ProviderError).
 */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import { allCryptoProviders, chooseCryptoProvider, CryptoProviderUnavailableError } from '../../src/node/crypto/providers';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);

describe.each(providers)('%s crypto provider (the contract every provider keeps)', (_name, p) => {
  it('X25519 matches RFC 7748 §6.1', async () => {
    const aPriv = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bPub = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    expect(toHex(await p.x25519PublicKey(aPriv))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(await p.x25519(aPriv, bPub))).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it('Ed25519 matches RFC 8032 §7.1 test 2 and rejects tampering', async () => {
    const sk = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
    const pk = await p.ed25519PublicKey(sk);
    expect(toHex(pk)).toBe('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
    const sig = await p.ed25519Sign(sk, Uint8Array.of(0x72));
    expect(toHex(sig)).toBe('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
    expect(await p.ed25519Verify(pk, Uint8Array.of(0x72), sig)).toBe(true);
    expect(await p.ed25519Verify(pk, Uint8Array.of(0x73), sig)).toBe(false);
    expect(await p.ed25519Verify(pk, Uint8Array.of(0x72), sig.subarray(1))).toBe(false);
    expect(await p.ed25519Verify(new Uint8Array(31), Uint8Array.of(0x72), sig)).toBe(false);
  });

  it('generated raw keys round-trip and the key caches follow mutation', async () => {
    const pair = await p.ed25519GenerateKeyPair();
    expect(await p.ed25519PublicKey(pair.privateKey)).toEqual(pair.publicKey);
    const signedBefore = await p.ed25519Sign(pair.privateKey, Uint8Array.of(1));
    pair.privateKey[0] = (pair.privateKey[0] ?? 0) ^ 0x40;
    const mutatedPublic = await p.ed25519PublicKey(pair.privateKey);
    expect(mutatedPublic).not.toEqual(pair.publicKey);
    expect(await p.ed25519Verify(mutatedPublic, Uint8Array.of(1), await p.ed25519Sign(pair.privateKey, Uint8Array.of(1)))).toBe(true);
    expect(await p.ed25519Verify(mutatedPublic, Uint8Array.of(1), signedBefore)).toBe(false);
    const x = await p.x25519GenerateKeyPair();
    const y = await p.x25519GenerateKeyPair();
    expect(await p.x25519(x.privateKey, y.publicKey)).toEqual(await p.x25519(y.privateKey, x.publicKey));
    const before = await p.x25519PublicKey(x.privateKey);
    x.privateKey[0] = (x.privateKey[0] ?? 0) ^ 0x40;
    expect(await p.x25519PublicKey(x.privateKey)).not.toEqual(before);
  });

  it('AES-GCM agrees with WebCrypto and returns null on a bad tag', async () => {
    const key = p.randomBytes(32);
    const nonce = p.randomBytes(12);
    const aad = Uint8Array.of(1, 2, 3);
    const sealed = await p.aes256GcmEncrypt(key, nonce, Uint8Array.of(9, 9), aad);
    const wk = await webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
    expect(new Uint8Array(await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, wk, sealed))).toEqual(Uint8Array.of(9, 9));
    sealed[0] = (sealed[0] ?? 0) ^ 1;
    expect(await p.aes256GcmDecrypt(key, nonce, sealed, aad)).toBeNull();
    expect(await p.aes256GcmDecrypt(key, nonce, new Uint8Array(5), aad)).toBeNull();
  });

  it('AES-CBC agrees with WebCrypto and returns null on bad padding or length', async () => {
    const key = p.randomBytes(32);
    const iv = p.randomBytes(16);
    const ct = await p.aes256CbcEncrypt(key, iv, Uint8Array.of(1, 2, 3));
    const wk = await webcrypto.subtle.importKey('raw', key, 'AES-CBC', false, ['decrypt']);
    expect(new Uint8Array(await webcrypto.subtle.decrypt({ name: 'AES-CBC', iv }, wk, ct))).toEqual(Uint8Array.of(1, 2, 3));
    expect(await p.aes256CbcDecrypt(key, iv, ct.subarray(1))).toBeNull();
    expect(await p.aes256CbcDecrypt(p.randomBytes(32), iv, new Uint8Array(16))).toBeNull();
  });

  it('hashes and HMAC match FIPS 180-4 / RFC 4231 examples', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(toHex(await p.sha256(abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(await p.sha512(abc)).slice(0, 16)).toBe('ddaf35a193617aba');
    const rfc4231 = await p.hmacSha256(new Uint8Array(20).fill(0x0b), new TextEncoder().encode('Hi There'));
    expect(toHex(rfc4231)).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  it('a generated X25519 public key is X25519(private key, 9), and the ephemeral agreement matches the recipient side', async () => {
    for (let i = 0; i < 20; i++) {
      const pair = await p.x25519GenerateKeyPair();
      expect(toHex(pair.publicKey)).toBe(toHex(await p.x25519PublicKey(Uint8Array.from(pair.privateKey))));
    }
    const recipient = await p.x25519GenerateKeyPair();
    const ephemeral = p.x25519Ephemeral;
    if (!ephemeral) throw new Error('both providers have the ephemeral fast path');
    const a = await ephemeral(recipient.publicKey);
    const b = await ephemeral(recipient.publicKey);
    expect(a.ephemeralPublicKey).not.toEqual(b.ephemeralPublicKey);
    expect(toHex(a.dh)).toBe(toHex(await p.x25519(recipient.privateKey, a.ephemeralPublicKey)));
    await expect(ephemeral(new Uint8Array(32))).rejects.toMatchObject({ code: 'provider_error' });
    await expect(ephemeral(new Uint8Array(31))).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('throws ProviderError for wrong key sizes and an all-zero X25519 result', async () => {
    const x = await p.x25519GenerateKeyPair();
    await expect(p.x25519(x.privateKey, new Uint8Array(32))).rejects.toMatchObject({ code: 'provider_error' });
    await expect(p.x25519(x.privateKey, new Uint8Array(31))).rejects.toMatchObject({ code: 'provider_error' });
    await expect(p.aes256GcmEncrypt(new Uint8Array(16), new Uint8Array(12), new Uint8Array(0), new Uint8Array(0))).rejects.toMatchObject({
      code: 'provider_error',
    });
  });
});

describe('choosing the provider', () => {
  it('libsodium loads on this platform and is the default; SEED_CRYPTO_PROVIDER forces either, and a bad name is a typed error', () => {
    expect(allCryptoProviders().map((c) => c.name)).toEqual(['libsodium', 'node']);
    expect(chooseCryptoProvider('').name).toBe('libsodium');
    expect(chooseCryptoProvider('').logLine).toMatch(/^crypto provider: libsodium \(sodium-native \d+\.\d+\.\d+\)$/);
    expect(chooseCryptoProvider('node').name).toBe('node');
    expect(chooseCryptoProvider('node').logLine).toBe('crypto provider: node:crypto (forced by SEED_CRYPTO_PROVIDER)');
    expect(chooseCryptoProvider('libsodium').name).toBe('libsodium');
    expect(() => chooseCryptoProvider('openssl')).toThrow(CryptoProviderUnavailableError);
  });
});
