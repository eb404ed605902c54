/**
 * The `CryptoProvider` (src/common/crypto/provider.ts) on libsodium through `sodium-native` — the default
 * of main, server and cli where the native module loads (providers.ts chooses; docs/benchmarks.md has the
 * figures). Ed25519, X25519, SHA-256/512 and HMAC-SHA256 run in libsodium; AES-GCM/CBC stay on OpenSSL
 * (nodeSymmetric.ts): the binding has no AES. The binding has no crypto_auth_hmacsha256 either: HMAC is two
 * one-shot SHA-256 calls over reused scratch buffers (an HMAC over its incremental SHA-256, eight native
 * calls, measured slower than OpenSSL's `createHmac`; two one-shot calls measure faster).
 *
 * Secrets: the scalar of every ephemeral agreement is wiped (`sodium_memzero`) as soon as it is used, and
 * the scratch outputs (see `answer`) as soon as they are copied; the
 * 64-byte libsodium signing key expanded from a 32-byte Ed25519 seed is cached per seed array (like the
 * KeyObject cache of the Node provider) and wiped when the seed array changes.
 *
 * Behaviour against the Node provider: byte for byte the same on every input our protocol produces
 * (test/crypto/providers_agree.test.ts). libsodium's Ed25519 verification is stricter than OpenSSL's on
 * inputs no honest signer produces — it refuses small-order public keys and non-canonical encodings — so
 * such a signature is `false` here.
 */
import type sodiumModule from 'sodium-native';
import { XWING_PUBLIC_KEY_LENGTH } from '../../common/crypto/xwing';
import { ProviderError, type CryptoProvider, type RawKeyPair } from '../../common/crypto/provider';
import { AGREE_WORKER_HANDLER, agreeMany, compactKey, type AgreementEngine, type EphemeralResult } from './ephemeralPool';
import { verifyThenDecryptBatched } from './openBatch';
import { coalescingVerifier, compactVerifyItem, VERIFY_WORKER_HANDLER, type VerifyItem } from './verifyBatch';
import { xwingEncapsulateBatch, xwingEngine } from './xwingPool';
import { cbcDecrypt, cbcEncrypt, expectLength, gcmDecrypt, gcmEncrypt, pooledRandom } from './nodeSymmetric';

type Sodium = typeof sodiumModule;

/** SHA-256's block size (FIPS 180-4), the HMAC pad length. */
const SHA256_BLOCK = 64;
/** Messages up to this size less a block are HMAC'd in the reused scratch buffer (HKDF inputs are ~100 B). */
const HMAC_SCRATCH = 1024;

interface SigningEntry {
  readonly seed: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * The libsodium agreement steps as worker script text defining `agree(peer)` and `fillRandom(bytes)` (and
 * `parentPort`); `modulePath` is where this thread loaded sodium-native.
 */
function agreeSource(modulePath: string): string {
  return `
const { parentPort } = require('node:worker_threads');
const s = require(${JSON.stringify(modulePath)});
function fillRandom(bytes) {
  s.randombytes_buf(bytes);
}
const agreeScalar = new Uint8Array(new ArrayBuffer(32)), agreeOut = new Uint8Array(new ArrayBuffer(32));
function agreeAnswer() {
  const copy = agreeOut.slice();
  agreeOut.fill(0);
  return copy;
}
function agree(peer) {
  s.randombytes_buf(agreeScalar);
  try {
    s.crypto_scalarmult_base(agreeOut, agreeScalar);
    const ephemeralPublicKey = agreeAnswer();
    s.crypto_scalarmult(agreeOut, agreeScalar, peer);
    return { ephemeralPublicKey, dh: agreeAnswer() };
  } catch {
    agreeOut.fill(0);
    return { error: 'zero_shared_secret' };
  } finally {
    s.sodium_memzero(agreeScalar);
  }
}
`;
}

/** The libsodium verification as worker script text defining `verify(item)` (verifyBatch.ts, openBatch.ts). */
function verifyWorkerSource(modulePath: string): string {
  return `
const { parentPort } = require('node:worker_threads');
const s = require(${JSON.stringify(modulePath)});
function verify({ publicKey, message, signature }) {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return s.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}`;
}

/** A CryptoProvider backed by libsodium; `modulePath` (require.resolve of the module) lets workers load it too. */
export function createSodiumCryptoProvider(sodium: Sodium, modulePath: string): CryptoProvider {
  const random = pooledRandom((into) => sodium.randombytes_buf(into));

  /**
   * Native calls write into buffers that live with the provider, and the answer is a JS copy
   * (`answer`): V8 keeps a typed array of up to 64 bytes inside its heap, and handing a fresh one to
   * native code first moves it out (~0.5 µs, more than the copy) — once per call for every 32- or
   * 64-byte output. Scratch that held a secret is wiped as soon as it is copied.
   */
  const out32 = new Uint8Array(new ArrayBuffer(32));
  const out64 = new Uint8Array(new ArrayBuffer(64));
  const answer = (scratch: Uint8Array): Uint8Array => {
    const copy = scratch.slice();
    scratch.fill(0);
    return copy;
  };

  const sha256 = (data: Uint8Array): Uint8Array => {
    sodium.crypto_hash_sha256(out32, data);
    return answer(out32);
  };

  /**
   * HMAC-SHA256 (RFC 2104) as two one-shot libsodium SHA-256 calls: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)),
   * K hashed first when longer than a block. The padded key and the message are written into scratch
   * buffers reused across calls (a fresh typed array per call cost more than the hashing) and wiped after.
   */
  const inner = new Uint8Array(HMAC_SCRATCH);
  const outer = new Uint8Array(SHA256_BLOCK + 32);
  const outerDigest = outer.subarray(SHA256_BLOCK);
  const hmac = (key: Uint8Array, data: Uint8Array): Uint8Array => {
    const k = key.length > SHA256_BLOCK ? sha256(key) : key;
    const used = SHA256_BLOCK + data.length;
    const block = used <= HMAC_SCRATCH ? inner.subarray(0, used) : new Uint8Array(used);
    for (let i = 0; i < k.length; i++) {
      const b = k[i] as number;
      block[i] = b ^ 0x36;
      outer[i] = b ^ 0x5c;
    }
    block.fill(0x36, k.length, SHA256_BLOCK);
    outer.fill(0x5c, k.length, SHA256_BLOCK);
    block.set(data, SHA256_BLOCK);
    sodium.crypto_hash_sha256(outerDigest, block);
    sodium.crypto_hash_sha256(out32, outer);
    block.fill(0);
    outer.fill(0);
    if (k !== key) k.fill(0);
    return answer(out32);
  };

  const x25519PublicKey = (privateKey: Uint8Array): Uint8Array => {
    expectLength(privateKey, 32, 'X25519 private key');
    sodium.crypto_scalarmult_base(out32, privateKey);
    return answer(out32);
  };

  const x25519 = (privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array => {
    expectLength(privateKey, 32, 'X25519 private key');
    expectLength(publicKey, 32, 'X25519 public key');
    try {
      sodium.crypto_scalarmult(out32, privateKey, publicKey);
    } catch {
      out32.fill(0);
      throw new ProviderError('X25519 failed (all-zero shared secret)');
    }
    return answer(out32);
  };

  /** The ephemeral scalar's scratch: filled, used for its two multiplications, wiped. */
  const ephemeralScalar = new Uint8Array(new ArrayBuffer(32));
  const agreeOne = (peer: Uint8Array): EphemeralResult => {
    const sk = ephemeralScalar;
    sodium.randombytes_buf(sk);
    try {
      sodium.crypto_scalarmult_base(out32, sk);
      const ephemeralPublicKey = answer(out32);
      sodium.crypto_scalarmult(out32, sk, peer);
      return { ephemeralPublicKey, dh: answer(out32) };
    } catch {
      out32.fill(0);
      return { error: 'zero_shared_secret' };
    } finally {
      sodium.sodium_memzero(sk);
    }
  };
  const engine: AgreementEngine = { here: (peers) => peers.map(agreeOne), workerSource: agreeSource(modulePath) + AGREE_WORKER_HANDLER, compact: compactKey };
  const xwing = xwingEngine({ agree: agreeOne, fillRandom: (bytes) => sodium.randombytes_buf(bytes), workerPrelude: agreeSource(modulePath) });
  const agreed = (r: EphemeralResult): { ephemeralPublicKey: Uint8Array; dh: Uint8Array } => {
    if ('error' in r) throw new ProviderError('X25519 failed (all-zero shared secret)');
    return r;
  };

  const verifyOne = ({ publicKey, message, signature }: VerifyItem): boolean => {
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
    try {
      return sodium.crypto_sign_verify_detached(signature, message, publicKey);
    } catch {
      return false;
    }
  };
  const verify = coalescingVerifier({
    here: (items) => items.map(verifyOne),
    workerSource: verifyWorkerSource(modulePath) + VERIFY_WORKER_HANDLER,
    compact: compactVerifyItem,
  });
  const verifyThenDecrypt = verifyThenDecryptBatched(verifyOne, verifyWorkerSource(modulePath));

  const signing = new WeakMap<Uint8Array, SigningEntry>();
  const signingKey = (seed: Uint8Array): SigningEntry => {
    expectLength(seed, 32, 'Ed25519 private key');
    const hit = signing.get(seed);
    if (hit && sameBytes(hit.seed, seed)) return hit;
    if (hit) sodium.sodium_memzero(hit.secretKey);
    const entry = { seed: Uint8Array.from(seed), secretKey: new Uint8Array(64), publicKey: new Uint8Array(32) };
    sodium.crypto_sign_seed_keypair(entry.publicKey, entry.secretKey, seed);
    signing.set(seed, entry);
    return entry;
  };

  const generate = (curve: 'X25519' | 'Ed25519'): RawKeyPair => {
    const privateKey = random(32);
    if (curve === 'X25519') return { privateKey, publicKey: x25519PublicKey(privateKey) };
    return { privateKey, publicKey: Uint8Array.from(signingKey(privateKey).publicKey) };
  };

  return {
    randomBytes: random,
    sha256: async (data) => sha256(data),
    sha512: async (data) => {
      sodium.crypto_hash_sha512(out64, data);
      return answer(out64);
    },
    hmacSha256: async (key, data) => hmac(key, data),

    x25519GenerateKeyPair: async () => generate('X25519'),
    x25519PublicKey: async (privateKey) => x25519PublicKey(privateKey),
    x25519: async (privateKey, publicKey) => x25519(privateKey, publicKey),
    x25519Ephemeral: async (publicKey) => {
      expectLength(publicKey, 32, 'X25519 public key');
      return agreed(agreeOne(publicKey));
    },
    x25519EphemeralMany: async (publicKeys) => {
      for (const pk of publicKeys) expectLength(pk, 32, 'X25519 public key');
      return (await agreeMany(publicKeys, engine)).map(agreed);
    },
    xwingEncapsulateMany: async (publicKeys) => {
      for (const pk of publicKeys) expectLength(pk, XWING_PUBLIC_KEY_LENGTH, 'X-Wing encapsulation key');
      return xwingEncapsulateBatch(publicKeys, xwing);
    },

    ed25519GenerateKeyPair: async () => generate('Ed25519'),
    ed25519PublicKey: async (privateKey) => Uint8Array.from(signingKey(privateKey).publicKey),
    ed25519Sign: async (privateKey, message) => {
      sodium.crypto_sign_detached(out64, message, signingKey(privateKey).secretKey);
      return answer(out64);
    },
    ed25519Verify: verify,
    ed25519VerifyThenAes256GcmDecrypt: verifyThenDecrypt,

    aes256GcmEncrypt: async (key, nonce, plaintext, aad) => gcmEncrypt(key, nonce, plaintext, aad),
    aes256GcmDecrypt: async (key, nonce, sealed, aad) => gcmDecrypt(key, nonce, sealed, aad),
    aes256CbcEncrypt: async (key, iv, plaintext) => cbcEncrypt(key, iv, plaintext),
    aes256CbcDecrypt: async (key, iv, ciphertext) => cbcDecrypt(key, iv, ciphertext),
  };
}
