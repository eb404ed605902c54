/**
 * The attachment file format's constants, header and size arithmetic (docs/protocol.md §20.2-20.3).
 *
 *   header     = "seed-att" (8 bytes ASCII) ‖ version (1 byte, 0x01) ‖ chunkSize (4 bytes BE) ‖ salt (32 bytes)
 *   ciphertext = header ‖ chunk_0 ‖ … ‖ chunk_{n-1},  chunk_i = AES-256-GCM(payloadKey, nonce_i, plaintext_i) (‖ 16-byte tag)
 *
 * Every chunk but the last holds exactly `chunkSize` plaintext bytes; the last holds 1…chunkSize bytes, or
 * 0 bytes only when the whole file is empty (then it is the only chunk).
 */
import { concatBytes, i2osp } from '../encoding/bytes';
import { utf8Encode } from '../encoding/utf8';
import { AttachmentError } from './errors';

/** The 8 ASCII bytes every attachment ciphertext starts with. */
export const ATTACHMENT_MAGIC = utf8Encode('seed-att');
/** The one format version. */
export const ATTACHMENT_VERSION = 1;
/** Bytes of the random per-file salt in the header. */
export const SALT_LENGTH = 32;
/** magic ‖ version ‖ chunkSize ‖ salt. */
export const HEADER_LENGTH = ATTACHMENT_MAGIC.length + 1 + 4 + SALT_LENGTH;
/** The AES-GCM tag that ends every chunk. */
export const TAG_LENGTH = 16;
/** The file key: fresh and random for every file, never reused. */
export const FILE_KEY_LENGTH = 32;
/**
 * What writers use: 64 KiB, as age's STREAM. The overhead is 16 bytes per 64 KiB (0.02 %), a reader holds
 * one chunk (64 KiB) at a time, and a 100 MB file is 1,526 AES-GCM calls, so per-call costs are amortised.
 */
export const DEFAULT_CHUNK_SIZE = 65_536;
/** Readers accept any chunk size in [MIN_CHUNK_SIZE, MAX_CHUNK_SIZE] (small ones make short test vectors). */
export const MIN_CHUNK_SIZE = 64;
export const MAX_CHUNK_SIZE = 4_194_304;
/** The largest plaintext the format describes (1 TiB): sizes stay far inside JavaScript's safe integers. */
export const MAX_ATTACHMENT_SIZE = 2 ** 40;

/** The fields of a parsed header. */
export interface AttachmentHeader {
  readonly chunkSize: number;
  readonly salt: Uint8Array;
}

/** True for an integer chunk size readers accept. */
export function isChunkSize(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_CHUNK_SIZE && n <= MAX_CHUNK_SIZE;
}

/** True for a plaintext size the format describes. */
export function isAttachmentSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n <= MAX_ATTACHMENT_SIZE;
}

function requireChunkSize(chunkSize: number): void {
  if (!isChunkSize(chunkSize)) throw new AttachmentError('attachment_malformed', `chunk size ${chunkSize} is outside ${MIN_CHUNK_SIZE}-${MAX_CHUNK_SIZE}`);
}

function requireSize(size: number): void {
  if (!isAttachmentSize(size)) throw new AttachmentError('attachment_malformed', `size ${size} is not an integer in 0-${MAX_ATTACHMENT_SIZE}`);
}

/** The first 13 bytes of the header (magic ‖ version ‖ chunkSize): bound into the payload key (§20.3). */
export function headerPrefix(chunkSize: number): Uint8Array {
  requireChunkSize(chunkSize);
  return concatBytes(ATTACHMENT_MAGIC, Uint8Array.of(ATTACHMENT_VERSION), i2osp(chunkSize, 4));
}

/** The header bytes. */
export function encodeHeader(header: AttachmentHeader): Uint8Array {
  if (header.salt.length !== SALT_LENGTH) throw new AttachmentError('attachment_malformed', `the salt must be ${SALT_LENGTH} bytes`);
  return concatBytes(headerPrefix(header.chunkSize), header.salt);
}

/** Parses exactly HEADER_LENGTH bytes; `attachment_malformed` or `attachment_unsupported_version`. */
export function decodeHeader(bytes: Uint8Array): AttachmentHeader {
  if (bytes.length !== HEADER_LENGTH) throw new AttachmentError('attachment_malformed', `the header is ${HEADER_LENGTH} bytes`);
  for (let i = 0; i < ATTACHMENT_MAGIC.length; i++) {
    if (bytes[i] !== ATTACHMENT_MAGIC[i]) throw new AttachmentError('attachment_malformed', 'not an attachment ciphertext (bad magic)');
  }
  const version = bytes[ATTACHMENT_MAGIC.length];
  if (version !== ATTACHMENT_VERSION)
    throw new AttachmentError('attachment_unsupported_version', `attachment format version ${version ?? '?'} is not supported`);
  const at = ATTACHMENT_MAGIC.length + 1;
  const chunkSize = (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
  requireChunkSize(chunkSize);
  return { chunkSize, salt: bytes.slice(at + 4, HEADER_LENGTH) };
}

/** How many chunks a plaintext of `size` bytes makes: ceil(size / chunkSize), and 1 for an empty file. */
export function chunkCount(size: number, chunkSize: number): number {
  requireSize(size);
  requireChunkSize(chunkSize);
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Plaintext bytes of chunk `index` (0-based) of a file of `size` bytes. */
export function chunkPlaintextLength(index: number, size: number, chunkSize: number): number {
  const n = chunkCount(size, chunkSize);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`chunk ${index} is outside 0-${n - 1}`);
  return index < n - 1 ? chunkSize : size - (n - 1) * chunkSize;
}

/** Total ciphertext bytes: HEADER_LENGTH + size + TAG_LENGTH × chunkCount. */
export function ciphertextSize(size: number, chunkSize: number): number {
  return HEADER_LENGTH + size + TAG_LENGTH * chunkCount(size, chunkSize);
}
