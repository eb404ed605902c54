/**
 * Vectors for the attachment file format (docs/protocol.md §20): files of 0, 1, 64, 65 and 200 bytes in
 * 64-byte chunks with every intermediate value (header, payload key info and key, each chunk's nonce and
 * ciphertext), one of 65,537 bytes in the writers' 64 KiB chunks (its ciphertext given by size and SHA-256),
 * a descriptor; tampered streams with the error code and the plaintext released before it; descriptors
 * refused with their codes. File keys and salts are SHA-256("seed-test-vector/" ‖ label).
 */
import { chunkNonce, derivePayloadKey, payloadKeyInfo } from '../../../src/common/attachments/chunkCipher';
import { AttachmentSealer } from '../../../src/common/attachments/sealer';
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { concatBytes, toHex } from '../../../src/common/encoding/bytes';
import { fixedBytes } from './fixedKeys';

const SMALL_CHUNK = 64;

/** Plaintext byte i is i mod 251 (a pattern that never lines up with a chunk). */
export function patternBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

interface Sealed {
  readonly fileKey: Uint8Array;
  readonly salt: Uint8Array;
  readonly header: Uint8Array;
  readonly chunks: Uint8Array[];
  readonly ciphertext: Uint8Array;
}

async function seal(provider: CryptoProvider, label: string, plaintext: Uint8Array, chunkSize: number, fileKey?: Uint8Array): Promise<Sealed> {
  const key = fileKey ?? (await fixedBytes(provider, `attachment/${label}/file-key`));
  const salt = await fixedBytes(provider, `attachment/${label}/salt`);
  const sealer = await AttachmentSealer.create(provider, { fileKey: key, salt, chunkSize });
  const chunks: Uint8Array[] = [];
  for await (const c of sealer.push(plaintext)) chunks.push(c);
  chunks.push(await sealer.finish());
  return { fileKey: key, salt, header: sealer.header, chunks, ciphertext: concatBytes(sealer.header, ...chunks) };
}

export async function buildAttachmentVectors(provider: CryptoProvider) {
  const valid = async (name: string, label: string, size: number, chunkSize = SMALL_CHUNK) => {
    const plaintext = patternBytes(size);
    const s = await seal(provider, label, plaintext, chunkSize);
    const small = chunkSize === SMALL_CHUNK;
    return {
      name,
      fileKey: toHex(s.fileKey),
      salt: toHex(s.salt),
      chunkSize,
      size,
      ...(small ? { plaintext: toHex(plaintext) } : { plaintextPattern: 'i mod 251' }),
      header: toHex(s.header),
      payloadKeyInfo: toHex(payloadKeyInfo(chunkSize)),
      payloadKey: toHex(await derivePayloadKey(provider, s.fileKey, s.salt, chunkSize)),
      chunks: await Promise.all(
        s.chunks.map(async (c, index) => ({
          index,
          last: index === s.chunks.length - 1,
          nonce: toHex(chunkNonce(index, index === s.chunks.length - 1)),
          ...(small || index === s.chunks.length - 1 ? { ciphertext: toHex(c) } : { ciphertextSha256: toHex(await provider.sha256(c)) }),
        })),
      ),
      ciphertextSize: s.ciphertext.length,
      ...(small ? { ciphertext: toHex(s.ciphertext) } : {}),
      sha256: toHex(await provider.sha256(s.ciphertext)),
    };
  };
  const cases = [
    await valid('empty file: one empty last chunk', 'empty', 0),
    await valid('1 byte', 'one-byte', 1),
    await valid('exactly one chunk (64 bytes): one full last chunk', 'one-chunk', 64),
    await valid('one chunk and one byte (65 bytes)', 'chunk-plus-one', 65),
    await valid('200 bytes: three full chunks and an 8-byte last chunk', 'four-chunks', 200),
    await valid('65,537 bytes in the writers\u2019 64 KiB chunks', 'default-chunks', 65_537, 65_536),
  ];

  // Tampering: alice's 200-byte file (chunks 0-2 full, chunk 3 of 8 bytes).
  const plaintext = patternBytes(200);
  const alice = await seal(provider, 'four-chunks', plaintext, SMALL_CHUNK);
  const other = await seal(provider, 'other-file', patternBytes(200).reverse(), SMALL_CHUNK);
  const sameKey = await seal(provider, 'same-key-other-file', patternBytes(200).reverse(), SMALL_CHUNK, alice.fileKey);
  const [c0, c1, c2, c3] = [alice.chunks[0]!, alice.chunks[1]!, alice.chunks[2]!, alice.chunks[3]!];
  const sha = toHex(await provider.sha256(alice.ciphertext));
  const setAt = (bytes: Uint8Array, i: number, value: number) => {
    const out = Uint8Array.from(bytes);
    out[i] = value;
    return out;
  };
  const flipAt = (bytes: Uint8Array, i: number) => setAt(bytes, i, (bytes[i] ?? 0) ^ 1);
  const released = (chunks: number) => toHex(plaintext.subarray(0, chunks * SMALL_CHUNK));
  const bad = (
    name: string,
    ciphertext: Uint8Array,
    error: string,
    emittedChunks: number,
    over: { size?: number; sha256?: string; fileKey?: string } = {},
  ) => ({
    name,
    fileKey: over.fileKey ?? toHex(alice.fileKey),
    chunkSize: SMALL_CHUNK,
    size: over.size ?? 200,
    sha256: over.sha256 ?? sha,
    ciphertext: toHex(ciphertext),
    error,
    emitted: released(emittedChunks),
  });
  const h = alice.header;
  const truncatedTo192 = concatBytes(h, c0, c1, c2);
  const invalid = [
    bad('a byte of chunk 1 flipped', concatBytes(h, c0, flipAt(c1, 5), c2, c3), 'attachment_bad_chunk', 1),
    bad('a tag byte of the last chunk flipped', concatBytes(h, c0, c1, c2, flipAt(c3, c3.length - 1)), 'attachment_bad_chunk', 3),
    bad('a salt byte of the header flipped (another payload key)', concatBytes(flipAt(h, 20), c0, c1, c2, c3), 'attachment_bad_chunk', 0),
    bad('the header names another chunk size', concatBytes(flipAt(h, 12), c0, c1, c2, c3), 'attachment_malformed', 0),
    bad('bad magic', concatBytes(flipAt(h, 0), c0, c1, c2, c3), 'attachment_malformed', 0),
    bad('header version 2', concatBytes(setAt(h, 8, 2), c0, c1, c2, c3), 'attachment_unsupported_version', 0),
    bad('the last chunk dropped', truncatedTo192, 'attachment_truncated', 3),
    bad('the last chunk dropped and the size told as 192 (chunk 2 was not sealed as last)', truncatedTo192, 'attachment_bad_chunk', 2, {
      size: 192,
      sha256: toHex(await provider.sha256(truncatedTo192)),
    }),
    bad('truncated in the middle of chunk 1', concatBytes(h, c0, c1.subarray(0, 30)), 'attachment_truncated', 1),
    bad('truncated inside the header', h.subarray(0, 20), 'attachment_truncated', 0),
    bad('chunks 1 and 2 swapped', concatBytes(h, c0, c2, c1, c3), 'attachment_bad_chunk', 1),
    bad('chunk 1 duplicated', concatBytes(h, c0, c1, c1, c2, c3), 'attachment_bad_chunk', 2),
    bad('chunk 2 spliced from another file under another key', concatBytes(h, c0, c1, other.chunks[2]!, c3), 'attachment_bad_chunk', 2),
    bad('chunk 2 spliced from another file under the same key', concatBytes(h, c0, c1, sameKey.chunks[2]!, c3), 'attachment_bad_chunk', 2),
    bad('one byte after the last chunk', concatBytes(h, c0, c1, c2, c3, Uint8Array.of(0)), 'attachment_trailing_data', 3),
    bad('another file key', alice.ciphertext, 'attachment_bad_chunk', 0, { fileKey: toHex(other.fileKey) }),
    bad('the descriptor names another ciphertext SHA-256', alice.ciphertext, 'attachment_hash_mismatch', 3, {
      sha256: toHex(await provider.sha256(other.ciphertext)),
    }),
  ];

  const descriptor = {
    v: 1,
    key: toBase64Url(alice.fileKey),
    size: 200,
    chunkSize: SMALL_CHUNK,
    sha256: toBase64Url(await provider.sha256(alice.ciphertext)),
    mediaType: 'application/pdf',
    fileName: 'Quarterly report.pdf',
    parts: [
      { ref: 'part-0', size: 128, sha256: toBase64Url(await provider.sha256(alice.ciphertext.subarray(0, 128))) },
      { ref: 'part-1', size: alice.ciphertext.length - 128, sha256: toBase64Url(await provider.sha256(alice.ciphertext.subarray(128))) },
    ],
  };
  const badDescriptor = (name: string, value: unknown, error: string) => ({ name, descriptor: value, error });
  return {
    description:
      'Attachment file format (docs/protocol.md §20): header = "seed-att" ‖ 0x01 ‖ I2OSP(chunkSize, 4) ‖ salt(32); payloadKey = HKDF-SHA256(ikm = fileKey, salt = salt, info = tuple("seed-attachment-payload-v1", header[0..13)), 32); chunk i = AES-256-GCM(payloadKey, I2OSP(i, 11) ‖ last, plaintext_i, aad = empty). Plaintext byte i is i mod 251. Invalid streams are decrypted with fileKey, size, chunkSize and sha256 as given; emitted is the plaintext released before the error.',
    valid: cases,
    invalid,
    descriptors: {
      valid: [{ name: 'the 200-byte file in two parts (128 bytes and the rest)', descriptor, ciphertext: toHex(alice.ciphertext) }],
      invalid: [
        badDescriptor('a right-to-left override in the file name', { ...descriptor, fileName: 'invoice\u202efdp.exe' }, 'malformed'),
        badDescriptor('a path in the file name', { ...descriptor, fileName: '../../.bashrc' }, 'malformed'),
        badDescriptor('a newline in the file name', { ...descriptor, fileName: 'a\nb.pdf' }, 'malformed'),
        badDescriptor('a file name of 256 UTF-8 bytes', { ...descriptor, fileName: `${'é'.repeat(126)}.pdf` }, 'malformed'),
        badDescriptor('a media type with parameters', { ...descriptor, mediaType: 'text/plain; charset=utf-8' }, 'malformed'),
        badDescriptor('parts that do not add up to the ciphertext size', { ...descriptor, parts: descriptor.parts.slice(0, 1) }, 'malformed'),
        badDescriptor('a key of 31 bytes', { ...descriptor, key: toBase64Url(alice.fileKey.subarray(0, 31)) }, 'malformed'),
        badDescriptor('an unknown member', { ...descriptor, url: 'https://example.com/file' }, 'malformed'),
        badDescriptor('version 2', { ...descriptor, v: 2 }, 'unsupported_version'),
      ],
    },
  };
}
