/**
 * The primitives the crypto core needs, behind one interface so `src/common` stays runtime-free
 * (docs/architecture.md). Every key crosses the interface as raw bytes — 32-byte X25519 (RFC 7748 §5) and
 * Ed25519 (RFC 8032 §5.1.5) private and public keys — so a mobile or WebCrypto implementation can
 * provide the same functions. The Node implementation is `src/node/crypto/nodeProvider.ts`.
 *
 * Methods return promises so a WebCrypto-backed provider fits. Failures of authenticated decryption
 * and signature checks are results (`null`, `false`), never exceptions; the protocol layer turns them
 * into typed errors. Other methods throw only on programming errors (wrong key length) — except
 * `x25519`, which throws `ProviderError` when the shared secret is all zeros (RFC 7748 §6.1).
 */

/** A key pair as raw bytes. */
export interface RawKeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** The inputs of `ed25519VerifyThenAes256GcmDecrypt`. */
export interface SignedAeadInput {
  /** The signer's Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The exact bytes signed. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
  /** AES-256-GCM key (32 bytes) and nonce (12 bytes). */
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
  /** Ciphertext ‖ 16-byte tag. */
  readonly sealed: Uint8Array;
  readonly aad: Uint8Array;
}

/**
 * One X-Wing encapsulation of a batch (`xwingEncapsulateMany`): the 32-byte shared secret and 1,120-byte
 * ciphertext, or `invalid_public_key` when the encapsulation key is refused (an ML-KEM coefficient ≥ q,
 * an X25519 half ML-KEM or the provider refuses, an all-zero X25519 agreement).
 */
export type XWingEncapsulationResult = { readonly sharedSecret: Uint8Array; readonly ciphertext: Uint8Array } | { readonly error: 'invalid_public_key' };

/** The plaintext, or which check failed first. */
export type SignedAeadResult = Uint8Array | 'bad_signature' | 'bad_tag';

/** Cryptographic primitives, supplied by the runtime. */
export interface CryptoProvider {
  /** `length` bytes from a CSPRNG. */
  randomBytes(length: number): Uint8Array;
  /** SHA-256 (FIPS 180-4). */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** SHA-512 (FIPS 180-4). */
  sha512(data: Uint8Array): Promise<Uint8Array>;
  /** HMAC-SHA256 (RFC 2104); HKDF (RFC 5869) is built on it in `crypto/hkdf.ts`. */
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;

  /** A fresh X25519 key pair. */
  x25519GenerateKeyPair(): Promise<RawKeyPair>;
  /** The X25519 public key of a private key. */
  x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /** X25519(privateKey, publicKey) (RFC 7748 §5); throws ProviderError if the result is all zeros. */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional fast path of an ephemeral key agreement (what HPKE Encap does, RFC 9180 §4.1): a fresh key
   * pair whose private key is used for this one DH with `publicKey` and never leaves the provider. Answers
   * the fresh public key and the DH output; throws ProviderError if that is all zeros. Without it, callers
   * generate a raw pair and call `x25519`, which is equivalent but makes the private key leave the provider.
   */
  x25519Ephemeral?(publicKey: Uint8Array): Promise<{ readonly ephemeralPublicKey: Uint8Array; readonly dh: Uint8Array }>;
  /**
   * Optional batch of `x25519Ephemeral`: one fresh agreement per public key, answered in the same order (a
   * provider may compute them on several threads). Throws ProviderError when any public key is invalid or
   * any DH output is all zeros.
   */
  x25519EphemeralMany?(publicKeys: readonly Uint8Array[]): Promise<readonly { readonly ephemeralPublicKey: Uint8Array; readonly dh: Uint8Array }[]>;
  /**
   * Optional batch of X-Wing Encapsulate (`crypto/xwing.ts`, draft-connolly-cfrg-xwing-kem §5.3: ML-KEM-768
   * encapsulation, the X25519 half on this provider's X25519, the SHA3-256 combiner) for 1,216-byte
   * encapsulation keys, answered in the same order, each with its own fresh randomness from this
   * provider's CSPRNG. A provider may compute shares on several threads; the ML-KEM coins and the X25519
   * ephemeral key are made, used and dropped in the thread that computes them. A refused key is an
   * `error` result for that key (the others are still answered); a key of another length throws ProviderError.
   */
  xwingEncapsulateMany?(publicKeys: readonly Uint8Array[]): Promise<readonly XWingEncapsulationResult[]>;

  /** A fresh Ed25519 key pair. */
  ed25519GenerateKeyPair(): Promise<RawKeyPair>;
  /** The Ed25519 public key of a private key (seed). */
  ed25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /** Ed25519 signature (RFC 8032 §5.1.6), 64 bytes. */
  ed25519Sign(privateKey: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** Ed25519 verification; `false` for a bad signature or a public key that is not a valid point. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;

  /**
   * Optional fused open of a signed, AES-256-GCM-sealed message: `ed25519Verify(publicKey, signingInput,
   * signature)` and, only when it verifies, `aes256GcmDecrypt(key, nonce, sealed, aad)`. Answers the
   * plaintext, `'bad_signature'` or `'bad_tag'` — exactly what the two calls answer in turn. A provider may
   * coalesce calls that arrive together and compute them on several threads (a catch-up page).
   */
  ed25519VerifyThenAes256GcmDecrypt?(input: SignedAeadInput): Promise<SignedAeadResult>;

  /** AES-256-GCM (NIST SP 800-38D), 12-byte nonce; returns ciphertext ‖ 16-byte tag. */
  aes256GcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** AES-256-GCM open of ciphertext ‖ tag; `null` when authentication fails. */
  aes256GcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array | null>;
  /** AES-256-CBC with PKCS#7 padding (NIST SP 800-38A), 16-byte IV. */
  aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** AES-256-CBC decrypt with PKCS#7 unpadding; `null` when the length or padding is wrong. */
  aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null>;
}

/** Thrown by a provider for invalid inputs to a primitive (e.g. an X25519 all-zero shared secret). */
export class ProviderError extends Error {
  readonly code = 'provider_error' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ProviderError';
  }
}
