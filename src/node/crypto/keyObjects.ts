/**
 * Raw 32-byte X25519/Ed25519 keys ↔ Node `KeyObject`s. Import goes through JWK (measured ~10 µs for a
 * public key and ~45 µs for a private key, against ~100 µs and ~440 µs through DER on our machine), and
 * KeyObjects are cached per Uint8Array instance (checked against a copy of the bytes, so a mutated array
 * misses the cache instead of using a stale key).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ProviderError } from '../../common/crypto/provider';

/** The two curves we use. */
export type OkpCurve = 'X25519' | 'Ed25519';

interface CacheEntry {
  readonly bytes: Uint8Array;
  readonly key: KeyObject;
}

const caches = {
  X25519: { private: new WeakMap<Uint8Array, CacheEntry>(), public: new WeakMap<Uint8Array, CacheEntry>() },
  Ed25519: { private: new WeakMap<Uint8Array, CacheEntry>(), public: new WeakMap<Uint8Array, CacheEntry>() },
};

/** JWK requires `x` for a private key; Node derives the real public key from `d` and ignores it. */
const PLACEHOLDER_X = 'A'.repeat(43);

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function cached(cache: WeakMap<Uint8Array, CacheEntry>, raw: Uint8Array, make: () => KeyObject): KeyObject {
  const hit = cache.get(raw);
  if (hit && sameBytes(hit.bytes, raw)) return hit.key;
  const key = make();
  cache.set(raw, { bytes: Uint8Array.from(raw), key });
  return key;
}

function checkLength(raw: Uint8Array, what: string): void {
  if (!(raw instanceof Uint8Array) || raw.length !== 32) throw new ProviderError(`${what} must be 32 bytes`);
}

/** KeyObject of a raw private key. */
export function privateKeyObject(curve: OkpCurve, raw: Uint8Array): KeyObject {
  checkLength(raw, `${curve} private key`);
  return cached(caches[curve].private, raw, () => createPrivateKey({ key: { kty: 'OKP', crv: curve, d: b64u(raw), x: PLACEHOLDER_X }, format: 'jwk' }));
}

/** KeyObject of a raw public key; throws ProviderError when Node rejects the encoding. */
export function publicKeyObject(curve: OkpCurve, raw: Uint8Array): KeyObject {
  checkLength(raw, `${curve} public key`);
  return cached(caches[curve].public, raw, () => {
    try {
      return createPublicKey({ key: { kty: 'OKP', crv: curve, x: b64u(raw) }, format: 'jwk' });
    } catch {
      throw new ProviderError(`${curve} public key is not valid`);
    }
  });
}

/**
 * Raw key bytes are read from the DER export (SPKI: 12-byte prefix + 32-byte key, RFC 8410 §4; PKCS#8:
 * 16-byte prefix + 32-byte key, RFC 8410 §7), not from a JWK export: on Node 20 exporting a fresh key as
 * JWK can deadlock against a garbage collection triggered inside the export (seen as a permanent hang in
 * the benchmark suite, docs/benchmarks.md).
 */
const SPKI_LENGTH = 44;
const PKCS8_LENGTH = 48;

/** Raw public key bytes of a KeyObject (public or private). */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ format: 'der', type: 'spki' });
  if (der.length !== SPKI_LENGTH) throw new ProviderError('unexpected public key encoding');
  return new Uint8Array(der.subarray(SPKI_LENGTH - 32));
}

/** Raw private key bytes of a private KeyObject. */
export function rawPrivateKey(key: KeyObject): Uint8Array {
  if (key.type !== 'private') throw new ProviderError('key has no private part');
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (der.length !== PKCS8_LENGTH) throw new ProviderError('unexpected private key encoding');
  return new Uint8Array(der.subarray(PKCS8_LENGTH - 32));
}

/** Remembers the KeyObjects of a freshly generated pair under its raw arrays. */
export function rememberPair(curve: OkpCurve, privateRaw: Uint8Array, privateKey: KeyObject, publicRaw: Uint8Array, publicKey: KeyObject): void {
  caches[curve].private.set(privateRaw, { bytes: Uint8Array.from(privateRaw), key: privateKey });
  caches[curve].public.set(publicRaw, { bytes: Uint8Array.from(publicRaw), key: publicKey });
}
