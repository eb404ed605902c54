/**
 * PubNub's legacy cryptor, decrypt only (docs/protocol.md §8.3; docs/pubnub-wire.md §4): no header;
 * AES-256-CBC-PKCS7 with key = the 32 ASCII bytes of the first 32 lowercase hex digits of
 * SHA-256(cipherKey); static IV "0123456789012345", or (random-IV mode) the first 16 bytes of the data.
 * Kept for reading old history only; we never write it.
 */
import type { CryptoProvider } from '../../crypto/provider';
import { toHex } from '../../encoding/bytes';
import { utf8Encode } from '../../encoding/utf8';
import { BadTagError, MalformedError } from '../errors';

export type LegacyIvMode = 'random-iv' | 'static-iv';

const STATIC_IV = utf8Encode('0123456789012345');

/** The legacy key: ASCII of the first 32 hex digits of SHA-256(cipherKey). */
export async function legacyKey(provider: CryptoProvider, cipherKey: string): Promise<Uint8Array> {
  return utf8Encode(toHex(await provider.sha256(utf8Encode(cipherKey))).slice(0, 32));
}

/** Decrypts legacy data. */
export async function legacyDecrypt(provider: CryptoProvider, cipherKey: string, data: Uint8Array, mode: LegacyIvMode): Promise<Uint8Array> {
  const [iv, ct] = mode === 'static-iv' ? [STATIC_IV, data] : [data.subarray(0, 16), data.subarray(16)];
  if (iv.length !== 16 || ct.length === 0 || ct.length % 16 !== 0) throw new MalformedError('legacy payload: bad length');
  const pt = await provider.aes256CbcDecrypt(await legacyKey(provider, cipherKey), iv, ct);
  if (pt === null) throw new BadTagError('legacy payload: decryption failed');
  return pt;
}
