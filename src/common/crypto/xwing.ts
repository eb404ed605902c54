/**
 * X-Wing, the hybrid post-quantum KEM of draft-connolly-cfrg-xwing-kem (ML-KEM-768 of FIPS 203 and X25519
 * of RFC 7748, combined with SHA3-256 and the label `\.//^\`). Sizes (draft §5): decapsulation key 32
 * bytes (a seed, expanded with SHAKE256), encapsulation key 1216 (ML-KEM 1184 ‖ X25519 32), ciphertext
 * 1120 (ML-KEM 1088 ‖ X25519 32), shared secret 32.
 *
 * Encapsulation and decapsulation are computed from the draft's parts (§5.2–§5.4): ML-KEM-768 from
 * `@noble/post-quantum/ml-kem.js`, X25519 through the `CryptoProvider` (libsodium or node:crypto, the same
 * path as the HPKE X25519 suite), SHA3-256 and SHAKE256 from `@noble/hashes`. Noble's pure-JS X25519 was
 * three quarters of an encapsulation; the provider's is native. Key generation and the public key of a
 * seed stay synchronous over `@noble/post-quantum`'s `ml_kem768_x25519` (the same construction; they run
 * once per device or vault load), and the draft's vectors prove both paths give the same bytes.
 *
 *   expandDecapsulationKey(sk): e = SHAKE256(sk, 96); (pk_M, sk_M) = ML-KEM-768.KeyGen_internal(e[0:32],
 *     e[32:64]); sk_X = e[64:96]; pk_X = X25519(sk_X, 9)
 *   Combiner(ss_M, ss_X, ct_X, pk_X) = SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ "\.//^\")
 *   Encapsulate(pk): ek_X, m = 32 random bytes each (EncapsulateDerand: eseed = m ‖ ek_X);
 *     ct_X = X25519(ek_X, 9); ss_X = X25519(ek_X, pk_X); (ss_M, ct_M) = ML-KEM-768.Encaps(pk_M, m)
 *
 * Every input of randomness comes from the caller's CSPRNG (`CryptoProvider.randomBytes`) or the provider's
 * ephemeral X25519, never from the library's, so `src/common` stays runtime-free; the derandomized forms
 * (`seed`, `eseed`) are the draft's GenerateKeyPairDerand and EncapsulateDerand, used by the draft's test
 * vectors. Malformed keys and ciphertexts are `MalformedError`; a ciphertext of the right length never fails
 * to decapsulate on its ML-KEM half (ML-KEM rejects implicitly), so a tampered wrap surfaces as `bad_tag`
 * at the AEAD; an X25519 half that gives an all-zero agreement (RFC 7748 §6.1) is `MalformedError`.
 */
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { MalformedError } from '../protocol/errors';
import type { CryptoProvider, RawKeyPair } from './provider';

export const XWING_SEED_LENGTH = 32;
export const XWING_PUBLIC_KEY_LENGTH = 1216;
export const XWING_CIPHERTEXT_LENGTH = 1120;
export const XWING_SHARED_SECRET_LENGTH = 32;
export const XWING_ESEED_LENGTH = 64;

export const MLKEM_PUBLIC_KEY_LENGTH = 1184;
export const MLKEM_CIPHERTEXT_LENGTH = 1088;
/** The draft's label `\.//^\` (6 bytes: 5c 2e 2f 2f 5e 5c). */
const XWING_LABEL = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);

function checkSeed(sk: Uint8Array): void {
  if (sk.length !== XWING_SEED_LENGTH) throw new MalformedError('X-Wing: the decapsulation key (seed) must be 32 bytes');
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : 'rejected';
}

/** SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ XWingLabel) (draft §5.3); the batch engines of src/node use it too. */
export function xwingCombiner(ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): Uint8Array {
  const input = new Uint8Array(32 + 32 + 32 + 32 + XWING_LABEL.length);
  input.set(ssM, 0);
  input.set(ssX, 32);
  input.set(ctX, 64);
  input.set(pkX, 96);
  input.set(XWING_LABEL, 128);
  const out = sha3_256(input);
  input.fill(0);
  return out;
}

/** GenerateKeyPairDerand(seed) when `seed` is given, else a fresh seed from the provider. */
export function xwingGenerateKeyPair(provider: CryptoProvider, seed?: Uint8Array): RawKeyPair {
  const sk = seed ?? provider.randomBytes(XWING_SEED_LENGTH);
  checkSeed(sk);
  return { privateKey: sk, publicKey: ml_kem768_x25519.getPublicKey(sk) };
}

/** The encapsulation key of a decapsulation key (seed). */
export function xwingPublicKey(privateKey: Uint8Array): Uint8Array {
  checkSeed(privateKey);
  return ml_kem768_x25519.getPublicKey(privateKey);
}

/** Encapsulate(pk) → (ss, ct); EncapsulateDerand when `eseed` (64 bytes: m ‖ ek_X) is given. */
export async function xwingEncapsulate(
  provider: CryptoProvider,
  publicKey: Uint8Array,
  eseed?: Uint8Array,
): Promise<{ readonly sharedSecret: Uint8Array; readonly ciphertext: Uint8Array }> {
  if (publicKey.length !== XWING_PUBLIC_KEY_LENGTH) throw new MalformedError('X-Wing: the encapsulation key must be 1216 bytes');
  if (eseed !== undefined && eseed.length !== XWING_ESEED_LENGTH) throw new MalformedError('X-Wing: eseed must be 64 bytes');
  const pkM = publicKey.subarray(0, MLKEM_PUBLIC_KEY_LENGTH);
  const pkX = publicKey.slice(MLKEM_PUBLIC_KEY_LENGTH);
  const m = eseed ? eseed.slice(0, 32) : provider.randomBytes(32);
  let ml: { sharedSecret: Uint8Array; cipherText: Uint8Array };
  try {
    ml = ml_kem768.encapsulate(pkM, m);
  } catch (err) {
    // FIPS 203 §7.2 input check: every coefficient of the key must be < q.
    throw new MalformedError(`X-Wing: invalid encapsulation key (${reason(err)})`);
  } finally {
    m.fill(0);
  }
  let ctX: Uint8Array;
  let ssX: Uint8Array;
  try {
    if (eseed) {
      const ekX = eseed.slice(32);
      try {
        ctX = await provider.x25519PublicKey(ekX);
        ssX = await provider.x25519(ekX, pkX);
      } finally {
        ekX.fill(0);
      }
    } else if (provider.x25519Ephemeral) {
      const eph = await provider.x25519Ephemeral(pkX);
      ctX = eph.ephemeralPublicKey;
      ssX = eph.dh;
    } else {
      const eph = await provider.x25519GenerateKeyPair();
      try {
        ctX = eph.publicKey;
        ssX = await provider.x25519(eph.privateKey, pkX);
      } finally {
        eph.privateKey.fill(0);
      }
    }
  } catch (err) {
    ml.sharedSecret.fill(0);
    // An X25519 half that yields an all-zero agreement (RFC 7748 §6.1), or that the provider refuses.
    throw new MalformedError(`X-Wing: invalid encapsulation key (${reason(err)})`);
  }
  const sharedSecret = xwingCombiner(ml.sharedSecret, ssX, ctX, pkX);
  ml.sharedSecret.fill(0);
  ssX.fill(0);
  const ciphertext = new Uint8Array(XWING_CIPHERTEXT_LENGTH);
  ciphertext.set(ml.cipherText, 0);
  ciphertext.set(ctX, MLKEM_CIPHERTEXT_LENGTH);
  return { sharedSecret, ciphertext };
}

/**
 * Encapsulate for many encapsulation keys (the X-Wing wraps of one key version), answered in order: each
 * exactly what `xwingEncapsulate` makes, with its own fresh randomness. Through the provider's batch when it
 * has one (`xwingEncapsulateMany`, which may compute shares on worker threads: the randomness is made,
 * used and dropped where each one is computed), else one by one here. A key that is refused fails the
 * batch with `MalformedError` naming the first such key in order (`describe(i)`, e.g. its device), as
 * one-by-one encapsulation would; no secret of the batch is kept.
 */
export async function xwingEncapsulateMany(
  provider: CryptoProvider,
  publicKeys: readonly Uint8Array[],
  describe: (index: number) => string = (i) => `key ${i + 1} of ${publicKeys.length}`,
): Promise<{ readonly sharedSecret: Uint8Array; readonly ciphertext: Uint8Array }[]> {
  publicKeys.forEach((pk, i) => {
    if (pk.length !== XWING_PUBLIC_KEY_LENGTH) throw new MalformedError(`X-Wing: the encapsulation key must be 1216 bytes (${describe(i)})`);
  });
  const batch = provider.xwingEncapsulateMany?.bind(provider);
  if (batch === undefined) {
    const out: { sharedSecret: Uint8Array; ciphertext: Uint8Array }[] = [];
    for (const [i, pk] of publicKeys.entries()) {
      try {
        out.push(await xwingEncapsulate(provider, pk));
      } catch (err) {
        for (const o of out) o.sharedSecret.fill(0);
        if (err instanceof MalformedError) throw new MalformedError(`${err.message} (${describe(i)})`);
        throw err;
      }
    }
    return out;
  }
  const results = await batch(publicKeys);
  const wipe = () => {
    for (const r of results) if ('sharedSecret' in r) r.sharedSecret.fill(0);
  };
  if (results.length !== publicKeys.length) {
    wipe();
    throw new MalformedError('X-Wing: the provider answered fewer encapsulations than asked');
  }
  return results.map((r, i) => {
    if ('error' in r) {
      wipe();
      throw new MalformedError(`X-Wing: invalid encapsulation key (${describe(i)})`);
    }
    return r;
  });
}

/** Decapsulate(ct, sk) → ss. */
export async function xwingDecapsulate(provider: CryptoProvider, ciphertext: Uint8Array, privateKey: Uint8Array): Promise<Uint8Array> {
  if (ciphertext.length !== XWING_CIPHERTEXT_LENGTH) throw new MalformedError('X-Wing: the ciphertext must be 1120 bytes');
  checkSeed(privateKey);
  const expanded = shake256(privateKey, { dkLen: 96 });
  const skX = expanded.slice(64);
  let skM: Uint8Array | undefined;
  let ssM: Uint8Array | undefined;
  let ssX: Uint8Array | undefined;
  try {
    skM = ml_kem768.keygen(expanded.subarray(0, 64)).secretKey;
    const ctX = ciphertext.subarray(MLKEM_CIPHERTEXT_LENGTH);
    try {
      ssM = ml_kem768.decapsulate(ciphertext.subarray(0, MLKEM_CIPHERTEXT_LENGTH), skM);
      const pkX = await provider.x25519PublicKey(skX);
      ssX = await provider.x25519(skX, ctX);
      return xwingCombiner(ssM, ssX, ctX, pkX);
    } catch (err) {
      throw new MalformedError(`X-Wing: decapsulation refused (${reason(err)})`);
    }
  } finally {
    expanded.fill(0);
    skX.fill(0);
    skM?.fill(0);
    ssM?.fill(0);
    ssX?.fill(0);
  }
}
