/**
 * X-Wing, the hybrid post-quantum KEM of draft-connolly-cfrg-xwing-kem (ML-KEM-768 of FIPS 203 and X25519
 * of RFC 7748, combined with SHA3-256 and the label `\.//^\`), over `@noble/post-quantum`'s
 * `ml_kem768_x25519` (MIT; it is exactly this construction). Sizes (draft §5): decapsulation key 32
 * bytes (a seed, expanded with SHAKE256), encapsulation key 1216 (ML-KEM 1184 ‖ X25519 32), ciphertext
 * 1120 (ML-KEM 1088 ‖ X25519 32), shared secret 32.
 *
 * Every input of randomness comes from the caller's CSPRNG (`CryptoProvider.randomBytes`), never from the
 * library's, so `src/common` stays runtime-free; the derandomized forms (`seed`, `eseed`) are the draft's
 * GenerateKeyPairDerand and EncapsulateDerand, used by the draft's test vectors. Malformed keys and
 * ciphertexts are `MalformedError`; a ciphertext of the right length never fails to decapsulate (ML-KEM
 * rejects implicitly), so a tampered wrap surfaces as `bad_tag` at the AEAD.
 */
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { MalformedError } from '../protocol/errors';
import type { CryptoProvider, RawKeyPair } from './provider';

export const XWING_SEED_LENGTH = 32;
export const XWING_PUBLIC_KEY_LENGTH = 1216;
export const XWING_CIPHERTEXT_LENGTH = 1120;
export const XWING_SHARED_SECRET_LENGTH = 32;
export const XWING_ESEED_LENGTH = 64;

/** GenerateKeyPairDerand(seed) when `seed` is given, else a fresh seed from the provider. */
export function xwingGenerateKeyPair(provider: CryptoProvider, seed?: Uint8Array): RawKeyPair {
  const sk = seed ?? provider.randomBytes(XWING_SEED_LENGTH);
  if (sk.length !== XWING_SEED_LENGTH) throw new MalformedError('X-Wing: the decapsulation key (seed) must be 32 bytes');
  return { privateKey: sk, publicKey: ml_kem768_x25519.getPublicKey(sk) };
}

/** The encapsulation key of a decapsulation key (seed). */
export function xwingPublicKey(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== XWING_SEED_LENGTH) throw new MalformedError('X-Wing: the decapsulation key (seed) must be 32 bytes');
  return ml_kem768_x25519.getPublicKey(privateKey);
}

/** Encapsulate(pk) → (ss, ct); EncapsulateDerand when `eseed` (64 bytes) is given. */
export function xwingEncapsulate(
  provider: CryptoProvider,
  publicKey: Uint8Array,
  eseed?: Uint8Array,
): { readonly sharedSecret: Uint8Array; readonly ciphertext: Uint8Array } {
  if (publicKey.length !== XWING_PUBLIC_KEY_LENGTH) throw new MalformedError('X-Wing: the encapsulation key must be 1216 bytes');
  const coins = eseed ?? provider.randomBytes(XWING_ESEED_LENGTH);
  if (coins.length !== XWING_ESEED_LENGTH) throw new MalformedError('X-Wing: eseed must be 64 bytes');
  let out: { sharedSecret: Uint8Array; cipherText: Uint8Array };
  try {
    out = ml_kem768_x25519.encapsulate(publicKey, coins);
  } catch (err) {
    // FIPS 203 §7.2 input check (coefficients < q) or an X25519 point that yields all zeros.
    throw new MalformedError(`X-Wing: invalid encapsulation key (${err instanceof Error ? err.message : 'rejected'})`);
  }
  return { sharedSecret: out.sharedSecret, ciphertext: out.cipherText };
}

/** Decapsulate(ct, sk) → ss. */
export function xwingDecapsulate(ciphertext: Uint8Array, privateKey: Uint8Array): Uint8Array {
  if (ciphertext.length !== XWING_CIPHERTEXT_LENGTH) throw new MalformedError('X-Wing: the ciphertext must be 1120 bytes');
  if (privateKey.length !== XWING_SEED_LENGTH) throw new MalformedError('X-Wing: the decapsulation key (seed) must be 32 bytes');
  try {
    return ml_kem768_x25519.decapsulate(ciphertext, privateKey);
  } catch (err) {
    throw new MalformedError(`X-Wing: decapsulation refused (${err instanceof Error ? err.message : 'rejected'})`);
  }
}
