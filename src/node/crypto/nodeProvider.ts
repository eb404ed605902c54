/**
 * The `CryptoProvider` (src/common/crypto/provider.ts) on Node's `crypto` module — the fallback of main,
 * server and cli where libsodium does not load, or when forced (providers.ts, docs/architecture.md). Synchronous OpenSSL calls wrapped in resolved promises: the work is
 * CPU-bound and short, so the thread pool would only add latency.
 */
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, randomFillSync, type KeyObject, sign, verify } from 'node:crypto';
import { ProviderError, type CryptoProvider, type RawKeyPair } from '../../common/crypto/provider';
import { XWING_PUBLIC_KEY_LENGTH } from '../../common/crypto/xwing';
import { agreeMany, agreeOne, NODE_AGREE_SOURCE } from './ephemeralPool';
import { cbcDecrypt, cbcEncrypt, expectLength, gcmDecrypt, gcmEncrypt, hmacSha256, pooledRandom, u8 } from './nodeSymmetric';
import { verifyThenDecryptBatched } from './openBatch';
import { coalescingVerifier, compactVerifyItem, VERIFY_WORKER_HANDLER, type VerifyItem } from './verifyBatch';
import { privateKeyObject, publicKeyObject, rawPrivateKey, rawPublicKey, rememberPair, type OkpCurve } from './keyObjects';
import { xwingEncapsulateBatch, xwingEngine } from './xwingPool';

function generate(curve: OkpCurve): RawKeyPair {
  const pair = curve === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ed25519');
  const privateRaw = rawPrivateKey(pair.privateKey);
  const publicRaw = curve === 'X25519' ? x25519PublicOf(pair.privateKey) : rawPublicKey(pair.publicKey);
  rememberPair(curve, privateRaw, pair.privateKey, publicRaw, pair.publicKey);
  return { privateKey: privateRaw, publicKey: publicRaw };
}

/**
 * The X25519 base point u = 9 (RFC 7748 §4.1). X25519(sk, 9) is by definition the public key of sk (§6.1):
 * one DH (~36 µs on our machine) is about half the cost of reading the key out of a fresh KeyObject as
 * SPKI DER (~78 µs, OpenSSL 3's encoder), and JWK export of a fresh key can deadlock on Node 20
 * (keyObjects.ts), so the public key of a generated pair is computed rather than exported.
 */
const BASE_POINT = Uint8Array.of(9, ...new Array<number>(31).fill(0));

function x25519PublicOf(privateKey: KeyObject): Uint8Array {
  return u8(diffieHellman({ privateKey, publicKey: publicKeyObject('X25519', BASE_POINT) }));
}

/** A fresh X25519 pair used for one DH: the private key stays a KeyObject and is never exported. */
function ephemeralDh(peerPublicKey: Uint8Array): { ephemeralPublicKey: Uint8Array; dh: Uint8Array } {
  const peer = publicKeyObject('X25519', peerPublicKey);
  const { privateKey } = generateKeyPairSync('x25519');
  try {
    return { ephemeralPublicKey: x25519PublicOf(privateKey), dh: u8(diffieHellman({ privateKey, publicKey: peer })) };
  } catch {
    throw new ProviderError('X25519 failed (all-zero shared secret)');
  }
}

const random = pooledRandom((into) => randomFillSync(into));

/** X-Wing encapsulations on node:crypto's X25519 and CSPRNG, one engine (and worker pool) per process. */
const xwing = xwingEngine({
  agree: agreeOne,
  fillRandom: (bytes) => randomFillSync(bytes),
  workerPrelude: `${NODE_AGREE_SOURCE}const { randomFillSync: fillRandom } = require('node:crypto');\n`,
});

function verifyHere({ publicKey, message, signature }: VerifyItem): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  try {
    return verify(null, message, publicKeyObject('Ed25519', publicKey), signature);
  } catch {
    return false;
  }
}

/** `verifyHere` for a worker thread (threadShare.ts), as script text defining `verify(item)`; public keys cached (a page has few senders). */
const VERIFY_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify: ed25519Verify } = require('node:crypto');
const keys = new Map();
function keyOf(publicKey) {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url');
  let key = keys.get(x);
  if (key === undefined) {
    if (keys.size >= 256) keys.clear();
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    keys.set(x, key);
  }
  return key;
}
function verify({ publicKey, message, signature }) {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519Verify(null, message, keyOf(publicKey), signature);
  } catch {
    return false;
  }
}`;

const verifyCoalesced = coalescingVerifier({
  here: (items) => items.map(verifyHere),
  workerSource: VERIFY_WORKER_SOURCE + VERIFY_WORKER_HANDLER,
  compact: compactVerifyItem,
});
const verifyThenDecrypt = verifyThenDecryptBatched(verifyHere, VERIFY_WORKER_SOURCE);

/** A CryptoProvider backed by `node:crypto`. */
export function createNodeCryptoProvider(): CryptoProvider {
  return {
    randomBytes: random,
    sha256: async (data) => u8(createHash('sha256').update(data).digest()),
    sha512: async (data) => u8(createHash('sha512').update(data).digest()),
    hmacSha256: async (key, data) => hmacSha256(key, data),

    x25519GenerateKeyPair: async () => generate('X25519'),
    x25519PublicKey: async (privateKey) => rawPublicKey(createPublicKey(privateKeyObject('X25519', privateKey))),
    x25519: async (privateKey, publicKey) => {
      try {
        return u8(diffieHellman({ privateKey: privateKeyObject('X25519', privateKey), publicKey: publicKeyObject('X25519', publicKey) }));
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        throw new ProviderError('X25519 failed (all-zero shared secret)');
      }
    },
    x25519Ephemeral: async (publicKey) => ephemeralDh(publicKey),
    x25519EphemeralMany: async (publicKeys) => {
      for (const pk of publicKeys) expectLength(pk, 32, 'X25519 public key');
      return (await agreeMany(publicKeys)).map((r) => {
        if ('error' in r)
          throw new ProviderError(r.error === 'invalid_public_key' ? 'X25519 public key is not valid' : 'X25519 failed (all-zero shared secret)');
        return r;
      });
    },
    xwingEncapsulateMany: async (publicKeys) => {
      for (const pk of publicKeys) expectLength(pk, XWING_PUBLIC_KEY_LENGTH, 'X-Wing encapsulation key');
      return xwingEncapsulateBatch(publicKeys, xwing);
    },

    ed25519GenerateKeyPair: async () => generate('Ed25519'),
    ed25519PublicKey: async (privateKey) => rawPublicKey(createPublicKey(privateKeyObject('Ed25519', privateKey))),
    ed25519Sign: async (privateKey, message) => u8(sign(null, message, privateKeyObject('Ed25519', privateKey))),
    ed25519Verify: verifyCoalesced,
    ed25519VerifyThenAes256GcmDecrypt: verifyThenDecrypt,

    aes256GcmEncrypt: async (key, nonce, plaintext, aad) => gcmEncrypt(key, nonce, plaintext, aad),
    aes256GcmDecrypt: async (key, nonce, sealed, aad) => gcmDecrypt(key, nonce, sealed, aad),
    aes256CbcEncrypt: async (key, iv, plaintext) => cbcEncrypt(key, iv, plaintext),
    aes256CbcDecrypt: async (key, iv, ciphertext) => cbcDecrypt(key, iv, ciphertext),
  };
}
