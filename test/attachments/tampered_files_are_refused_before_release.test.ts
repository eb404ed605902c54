/**
 * The attacker holds the stored ciphertext (a store, the relay, PubNub) and changes it: every change is
 * refused with its typed error, and the stream has released only plaintext of chunks before the one at
 * fault — never a byte of an altered, moved or foreign chunk, and the last chunk only once the whole
 * ciphertext verified (docs/protocol.md §20.4, §20.6).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/common/encoding/bytes';
import { HEADER_LENGTH, TAG_LENGTH } from '../../src/common/attachments/format';
import { decryptAttachment, type AttachmentExpectation } from '../../src/node/attachments/decryptAttachment';
import { encryptAttachment, type EncryptOptions } from '../../src/node/attachments/encryptAttachment';
import { provider } from '../crypto/fixtures';
import { collect, drain, pattern, piecesOf } from './streams';

const C = 4096;
const SIZE = 4 * C + 100; // chunks 0-3 full, chunk 4 of 100 bytes

interface File {
  plaintext: Uint8Array;
  header: Uint8Array;
  chunks: Uint8Array[];
  expected: AttachmentExpectation;
}

async function encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): Promise<File> {
  const encryption = encryptAttachment(provider, piecesOf(plaintext, 10_000), { chunkSize: C, ...options });
  const ciphertext = await collect(encryption);
  const chunks: Uint8Array[] = [];
  for (let at = HEADER_LENGTH; at < ciphertext.length; at += C + TAG_LENGTH) chunks.push(ciphertext.subarray(at, at + C + TAG_LENGTH));
  return { plaintext, header: ciphertext.subarray(0, HEADER_LENGTH), chunks, expected: encryption.result() };
}

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

/** Decrypts `ciphertext` and expects `code`, with exactly the first `released` chunks of plaintext released. */
async function expectRefused(file: File, ciphertext: Uint8Array, code: string, released: number, expected: Partial<AttachmentExpectation> = {}) {
  for (const piece of [1, 1000, ciphertext.length]) {
    const { emitted, error } = await drain(decryptAttachment(provider, piecesOf(ciphertext, piece), { ...file.expected, ...expected }));
    expect(error, `piece ${piece}`).toMatchObject({ code });
    expect(emitted.length, `piece ${piece}`).toBe(released * C);
    expect(Buffer.compare(emitted, file.plaintext.subarray(0, released * C))).toBe(0);
  }
}

describe('a tampered attachment', () => {
  it('is refused for every alteration, with nothing released past the chunk at fault', async () => {
    const file = await encrypt(pattern(SIZE));
    const other = await encrypt(pattern(SIZE).reverse());
    const sameKey = await encrypt(pattern(SIZE).reverse(), { fileKey: file.expected.fileKey });
    const [h, c] = [file.header, file.chunks];
    const flip = (bytes: Uint8Array, i: number) => {
      const out = Uint8Array.from(bytes);
      out[i] = (out[i] ?? 0) ^ 0x80;
      return out;
    };
    const all = (...chunks: Uint8Array[]) => concatBytes(h, ...chunks);
    const [c0, c1, c2, c3, c4] = [c[0]!, c[1]!, c[2]!, c[3]!, c[4]!];
    expect(Buffer.compare(await collect(decryptAttachment(provider, piecesOf(all(c0, c1, c2, c3, c4), 999), file.expected)), file.plaintext)).toBe(0);

    await expectRefused(file, all(c0, flip(c1, 7), c2, c3, c4), 'attachment_bad_chunk', 1);
    await expectRefused(file, all(c0, c1, c2, c3, flip(c4, c4.length - 1)), 'attachment_bad_chunk', 4);
    await expectRefused(file, all(c0, c1, c2, c3), 'attachment_truncated', 4);
    await expectRefused(file, all(c0, c2, c1, c3, c4), 'attachment_bad_chunk', 1);
    await expectRefused(file, all(c0, c1, c1, c2, c3, c4), 'attachment_bad_chunk', 2);
    await expectRefused(file, all(c0, c1, other.chunks[2]!, c3, c4), 'attachment_bad_chunk', 2);
    await expectRefused(file, all(c0, c1, sameKey.chunks[2]!, c3, c4), 'attachment_bad_chunk', 2);
    await expectRefused(file, concatBytes(all(c0, c1, c2, c3, c4), Uint8Array.of(0, 0, 0)), 'attachment_trailing_data', 4);
    await expectRefused(file, all(c0, c1, c2.subarray(0, 1000)), 'attachment_truncated', 2);
    await expectRefused(file, concatBytes(flip(h, 30), c0, c1, c2, c3, c4), 'attachment_bad_chunk', 0);
    await expectRefused(file, all(c0, c1, c2, c3, c4), 'attachment_bad_chunk', 0, { fileKey: other.expected.fileKey });
  });

  it('needs its last chunk sealed as last: dropping it and telling a matching size and hash is still refused', async () => {
    const file = await encrypt(pattern(SIZE));
    const cut = concatBytes(file.header, ...file.chunks.slice(0, 4));
    await expectRefused(file, cut, 'attachment_bad_chunk', 3, { size: 4 * C, sha256: sha256(cut) });
  });

  it('is refused when all chunks authenticate but the ciphertext is not the one the descriptor names', async () => {
    const file = await encrypt(pattern(SIZE));
    await expectRefused(file, concatBytes(file.header, ...file.chunks), 'attachment_hash_mismatch', 4, { sha256: sha256(Uint8Array.of(1)) });
  });

  it('is refused when the header says another chunk size or version, or is not a header', async () => {
    const file = await encrypt(pattern(SIZE));
    const body = concatBytes(...file.chunks);
    const withByte = (i: number, v: number) => {
      const h = Uint8Array.from(file.header);
      h[i] = v;
      return concatBytes(h, body);
    };
    await expectRefused(file, withByte(11, 0x20), 'attachment_malformed', 0);
    await expectRefused(file, withByte(8, 2), 'attachment_unsupported_version', 0);
    await expectRefused(file, withByte(0, 0x53), 'attachment_malformed', 0);
    await expectRefused(file, file.header.subarray(0, 10), 'attachment_truncated', 0);
  });
});
