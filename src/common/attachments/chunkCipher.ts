/**
 * The key schedule and the per-chunk AEAD of the attachment format (docs/protocol.md §20.3), after age's
 * STREAM (C2SP age §"Payload") and Tink's streaming AEAD: a payload key derived from the file key and the
 * header's random salt (so two files never share a payload key, even under one file key), and each chunk's
 * index and last-chunk flag in its nonce (so a chunk opens only at its own position, and only the real last
 * chunk opens as last). The AAD is empty: everything bound is in the key or the nonce.
 *
 *   payloadKey = HKDF-SHA256(ikm = fileKey, salt = salt, info = tuple("seed-attachment-payload-v1", header[0..13)), L = 32)
 *   nonce_i    = I2OSP(i, 11) ‖ (0x01 if chunk i is the last, else 0x00)
 */
import type { CryptoProvider } from '../crypto/provider';
import { hkdfExpand, hkdfExtract } from '../crypto/hkdf';
import { concatBytes, i2osp, tuple } from '../encoding/bytes';
import { AttachmentError } from './errors';
import { FILE_KEY_LENGTH, headerPrefix, SALT_LENGTH } from './format';

/** The HKDF label of the payload key. */
export const PAYLOAD_KEY_LABEL = 'seed-attachment-payload-v1';
/** Chunk indexes fit the 11-byte counter of the nonce; sizes (MAX_ATTACHMENT_SIZE) keep them far below. */
const NONCE_COUNTER_LENGTH = 11;
const EMPTY = new Uint8Array(0);

/** The HKDF info of the payload key: tuple(label, magic ‖ version ‖ chunkSize). */
export function payloadKeyInfo(chunkSize: number): Uint8Array {
  return tuple(PAYLOAD_KEY_LABEL, headerPrefix(chunkSize));
}

/** The AES-256-GCM key of every chunk of one file. */
export async function derivePayloadKey(provider: CryptoProvider, fileKey: Uint8Array, salt: Uint8Array, chunkSize: number): Promise<Uint8Array> {
  if (fileKey.length !== FILE_KEY_LENGTH) throw new AttachmentError('attachment_malformed', `the file key must be ${FILE_KEY_LENGTH} bytes`);
  if (salt.length !== SALT_LENGTH) throw new AttachmentError('attachment_malformed', `the salt must be ${SALT_LENGTH} bytes`);
  const prk = await hkdfExtract(provider, salt, fileKey);
  return hkdfExpand(provider, prk, payloadKeyInfo(chunkSize), 32);
}

/** The 12-byte nonce of chunk `index`: its index (11 bytes, big-endian) and the last-chunk flag. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  return concatBytes(i2osp(index, NONCE_COUNTER_LENGTH), Uint8Array.of(last ? 1 : 0));
}

/** Seals one chunk's plaintext: ciphertext ‖ tag. */
export function sealChunk(provider: CryptoProvider, payloadKey: Uint8Array, index: number, last: boolean, plaintext: Uint8Array): Promise<Uint8Array> {
  return provider.aes256GcmEncrypt(payloadKey, chunkNonce(index, last), plaintext, EMPTY);
}

/** Opens one chunk at its position; `attachment_bad_chunk` when it does not authenticate there. */
export async function openChunk(provider: CryptoProvider, payloadKey: Uint8Array, index: number, last: boolean, sealed: Uint8Array): Promise<Uint8Array> {
  const plaintext = await provider.aes256GcmDecrypt(payloadKey, chunkNonce(index, last), sealed, EMPTY);
  if (plaintext === null) throw new AttachmentError('attachment_bad_chunk', `chunk ${index} does not authenticate at its position`, index);
  return plaintext;
}
