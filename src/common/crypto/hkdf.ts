/**
 * HKDF-SHA256 (RFC 5869 §2.2 Extract, §2.3 Expand) on the provider's HMAC-SHA256. HPKE needs Extract
 * and Expand as separate steps (RFC 9180 §4), which one-shot HKDF APIs (Node `hkdf`, WebCrypto) lack.
 */
import { concatBytes } from '../encoding/bytes';
import type { CryptoProvider } from './provider';

/** Output length of SHA-256. */
export const HASH_LENGTH = 32;

/** HKDF-Extract(salt, ikm) = HMAC-Hash(salt, ikm); an empty salt equals HashLen zero bytes under HMAC. */
export function hkdfExtract(provider: CryptoProvider, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return provider.hmacSha256(salt, ikm);
}

const ONE = Uint8Array.of(1);

/**
 * HKDF-Expand for 1 ≤ length ≤ HashLen, which is T(1) = HMAC(prk, info ‖ 0x01) cut to `length`: the caller
 * passes `info ‖ 0x01` already built (labeled expansions write it in the same allocation as the label).
 */
export async function hkdfExpandOneBlock(provider: CryptoProvider, prk: Uint8Array, infoAndCounter: Uint8Array, length: number): Promise<Uint8Array> {
  const block = await provider.hmacSha256(prk, infoAndCounter);
  return length === HASH_LENGTH ? block : block.slice(0, length);
}

/** HKDF-Expand(prk, info, length): T(i) = HMAC(prk, T(i-1) ‖ info ‖ i), length ≤ 255·HashLen. */
export async function hkdfExpand(provider: CryptoProvider, prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LENGTH) throw new RangeError('hkdfExpand: length out of range');
  if (length > 0 && length <= HASH_LENGTH) return hkdfExpandOneBlock(provider, prk, concatBytes(info, ONE), length);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, offset = 0; offset < length; i++) {
    previous = await provider.hmacSha256(prk, concatBytes(previous, info, Uint8Array.of(i)));
    out.set(previous.subarray(0, Math.min(previous.length, length - offset)), offset);
    offset += previous.length;
  }
  return out;
}
