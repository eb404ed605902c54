/**
 * PubNub's AES-CBC cryptor "ACRH" (docs/protocol.md §8; docs/pubnub-wire.md §4), byte-compatible with the
 * stock SDKs' `CryptoModule.aesCbcCryptoModule({cipherKey})`:
 *   key  = SHA-256(UTF-8(cipherKey))            (32 raw bytes)
 *   data = header("ACRH", metadata = IV (16 random bytes)) ‖ AES-256-CBC-PKCS7(key, IV, plaintext)
 * A conversation key becomes a cipherKey as its base64url (no padding) text: `cipherKeyFor`.
 */
import type { CryptoProvider } from '../../crypto/provider';
import { toBase64Url } from '../../encoding/base64url';
import { concatBytes } from '../../encoding/bytes';
import { utf8Encode } from '../../encoding/utf8';
import { BadTagError, MalformedError, UnknownCryptorError } from '../errors';
import { encodeCryptorHeader, parseCryptorHeader } from './cryptorHeader';

export const ACRH_ID = 'ACRH';

/** The cipherKey string a stock-SDK client uses for a 32-byte conversation key. */
export function cipherKeyFor(conversationKey: Uint8Array): string {
  if (conversationKey.length !== 32) throw new MalformedError('conversation key must be 32 bytes');
  return toBase64Url(conversationKey);
}

/** The AES key the SDK derives from a cipherKey. */
export function acrhKey(provider: CryptoProvider, cipherKey: string): Promise<Uint8Array> {
  if (cipherKey.length === 0) throw new MalformedError('cipherKey must not be empty');
  return provider.sha256(utf8Encode(cipherKey));
}

/** Encrypts bytes as the SDK does; `iv` is injectable for test vectors only. */
export async function acrhEncrypt(provider: CryptoProvider, cipherKey: string, plaintext: Uint8Array, iv?: Uint8Array): Promise<Uint8Array> {
  if (plaintext.length === 0) throw new MalformedError('ACRH: empty plaintext (the SDK refuses it too)');
  const actualIv = iv ?? provider.randomBytes(16);
  if (actualIv.length !== 16) throw new MalformedError('ACRH: IV must be 16 bytes');
  const ct = await provider.aes256CbcEncrypt(await acrhKey(provider, cipherKey), actualIv, plaintext);
  return concatBytes(encodeCryptorHeader(ACRH_ID, actualIv), ct);
}

/** Decrypts PNED/ACRH data. BadTagError when the padding is wrong (AES-CBC has no tag: wrong key mostly shows as bad padding). */
export async function acrhDecrypt(provider: CryptoProvider, cipherKey: string, data: Uint8Array): Promise<Uint8Array> {
  const header = parseCryptorHeader(data);
  if (header.cryptorId !== ACRH_ID) throw new UnknownCryptorError(`PubNub payload: unknown cryptor ${JSON.stringify(header.cryptorId)}`);
  if (header.metadata.length !== 16) throw new MalformedError('ACRH: IV must be 16 bytes');
  const ct = data.subarray(header.payloadOffset);
  if (ct.length === 0 || ct.length % 16 !== 0) throw new MalformedError('ACRH: ciphertext length is not a positive multiple of 16');
  const pt = await provider.aes256CbcDecrypt(await acrhKey(provider, cipherKey), header.metadata, ct);
  if (pt === null) throw new BadTagError('ACRH: decryption failed (wrong key or corrupted data)');
  return pt;
}
