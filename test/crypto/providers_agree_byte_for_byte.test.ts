/**
 * The libsodium and node:crypto providers agree byte for byte on random inputs (fast-check): hashes,
 * HMAC and HKDF, X25519 public keys and agreements, Ed25519 public keys and (deterministic) signatures,
 * each verifying the other's signatures and refusing a flipped bit, and HPKE wraps sealed by one and
 * opened by the other. docs/architecture.md, "Crypto providers".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hkdfExpand, hkdfExtract } from '../../src/common/crypto/hkdf';
import { openBase, sealBase } from '../../src/common/crypto/hpke/base';
import type { CryptoProvider } from '../../src/common/crypto/provider';
import { toHex } from '../../src/common/encoding/bytes';
import { allCryptoProviders } from '../../src/node/crypto/providers';

const chosen = allCryptoProviders();
const sodium = chosen.find((c) => c.name === 'libsodium')?.provider as CryptoProvider;
const node = chosen.find((c) => c.name === 'node')?.provider as CryptoProvider;
const pairs: readonly (readonly [string, CryptoProvider, CryptoProvider])[] = [
  ['libsodium → node', sodium, node],
  ['node → libsodium', node, sodium],
];

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const key32 = bytes(32, 32);
const runs = { numRuns: 200 };

describe('the two providers agree byte for byte', () => {
  it('libsodium is available to compare', () => {
    expect(sodium).toBeDefined();
    expect(node).toBeDefined();
  });

  it('SHA-256, SHA-512, HMAC-SHA256 (keys shorter and longer than a block) and HKDF', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(0, 300), bytes(0, 200), bytes(0, 80), async (key, data, info) => {
        expect(toHex(await sodium.sha256(data))).toBe(toHex(await node.sha256(data)));
        expect(toHex(await sodium.sha512(data))).toBe(toHex(await node.sha512(data)));
        expect(toHex(await sodium.hmacSha256(key, data))).toBe(toHex(await node.hmacSha256(key, data)));
        const prkS = await hkdfExtract(sodium, key, data);
        expect(toHex(prkS)).toBe(toHex(await hkdfExtract(node, key, data)));
        expect(toHex(await hkdfExpand(sodium, prkS, info, 80))).toBe(toHex(await hkdfExpand(node, prkS, info, 80)));
      }),
      runs,
    );
  });

  it('HMAC-SHA256 of libsodium (two one-shot hashes over reused scratch) equals OpenSSL’s, across the scratch size and repeated calls', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(bytes(0, 130), bytes(0, 2_100)), { minLength: 1, maxLength: 4 }), async (calls) => {
        for (const [key, data] of calls) expect(toHex(await sodium.hmacSha256(key, data))).toBe(toHex(await node.hmacSha256(key, data)));
      }),
      { numRuns: 100 },
    );
  });

  it('X25519 public keys and agreements, including keys with the clamped bits set', async () => {
    await fc.assert(
      fc.asyncProperty(key32, key32, async (a, b) => {
        const pubS = await sodium.x25519PublicKey(a);
        expect(toHex(pubS)).toBe(toHex(await node.x25519PublicKey(a)));
        const peer = await node.x25519PublicKey(b);
        expect(toHex(await sodium.x25519(a, peer))).toBe(toHex(await node.x25519(a, peer)));
      }),
      runs,
    );
  });

  it('Ed25519: same public key and signature from the same seed; each verifies the other and refuses a flipped bit', async () => {
    await fc.assert(
      fc.asyncProperty(key32, bytes(0, 300), fc.nat(), async (seed, message, at) => {
        const pub = await sodium.ed25519PublicKey(seed);
        expect(toHex(pub)).toBe(toHex(await node.ed25519PublicKey(seed)));
        const sig = await sodium.ed25519Sign(seed, message);
        expect(toHex(sig)).toBe(toHex(await node.ed25519Sign(seed, message)));
        expect(await node.ed25519Verify(pub, message, sig)).toBe(true);
        expect(await sodium.ed25519Verify(pub, message, sig)).toBe(true);
        const bad = Uint8Array.from(sig);
        bad[at % 64] = (bad[at % 64] ?? 0) ^ (1 << (at % 8));
        expect(await sodium.ed25519Verify(pub, message, bad)).toBe(false);
        expect(await node.ed25519Verify(pub, message, bad)).toBe(false);
      }),
      runs,
    );
  });

  it.each(pairs)('HPKE: %s, one seals (one and many), the other opens', async (_name, sealer, opener) => {
    await fc.assert(
      fc.asyncProperty(bytes(0, 100), bytes(0, 40), bytes(0, 40), async (plaintext, info, aad) => {
        const recipient = await opener.x25519GenerateKeyPair();
        const { enc, ct } = await sealBase(sealer, recipient.publicKey, info, aad, plaintext);
        expect(toHex(await openBase(opener, enc, recipient.privateKey, info, aad, ct))).toBe(toHex(plaintext));
      }),
      { numRuns: 100 },
    );
    const many = sealer.x25519EphemeralMany;
    if (!many) throw new Error('both providers batch their agreements');
    const recipients = await Promise.all(Array.from({ length: 150 }, () => opener.x25519GenerateKeyPair()));
    const agreed = await many(recipients.map((r) => r.publicKey));
    for (const [i, a] of agreed.entries())
      expect(toHex(a.dh)).toBe(toHex(await opener.x25519((recipients[i] as (typeof recipients)[number]).privateKey, a.ephemeralPublicKey)));
  });
});
