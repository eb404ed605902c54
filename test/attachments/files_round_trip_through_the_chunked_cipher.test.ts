/**
 * A file encrypted as a stream (docs/protocol.md §20.4) decrypts to the same bytes for the sizes at the
 * chunk edges — empty, 1 byte, exactly one chunk, one chunk and one byte — and for several megabytes,
 * whatever the sizes of the pieces the streams hand over; sizes and SHA-256 are what the format says.
 */
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ciphertextSize, DEFAULT_CHUNK_SIZE, HEADER_LENGTH } from '../../src/common/attachments/format';
import { decryptAttachment } from '../../src/node/attachments/decryptAttachment';
import { encryptAttachment } from '../../src/node/attachments/encryptAttachment';
import { provider } from '../crypto/fixtures';
import { collect, pattern, piecesOf } from './streams';

const C = DEFAULT_CHUNK_SIZE;

async function roundTrip(plaintext: Uint8Array, inPiece: number, outPiece: number) {
  const encryption = encryptAttachment(provider, piecesOf(plaintext, inPiece));
  const ciphertext = await collect(encryption);
  const file = encryption.result();
  expect(file.size).toBe(plaintext.length);
  expect(file.ciphertextSize).toBe(ciphertext.length);
  expect(ciphertext.length).toBe(ciphertextSize(plaintext.length, C));
  expect(Buffer.from(file.sha256).toString('hex')).toBe(createHash('sha256').update(ciphertext).digest('hex'));
  const decrypted = await collect(decryptAttachment(provider, piecesOf(ciphertext, outPiece), { ...file }));
  expect(Buffer.compare(decrypted, plaintext)).toBe(0);
  return ciphertext;
}

describe('the chunked file cipher', () => {
  it.each([
    ['empty', 0],
    ['1 byte', 1],
    ['exactly one chunk', C],
    ['one chunk and one byte', C + 1],
    ['two chunks exactly', 2 * C],
  ])('round-trips %s', async (_name, size) => {
    const ciphertext = await roundTrip(pattern(size), 1000, 777);
    expect(ciphertext.length).toBe(HEADER_LENGTH + size + 16 * Math.max(1, Math.ceil(size / C)));
  });

  it('round-trips 5 MB handed over in pieces of 1 byte to 1 MiB', async () => {
    const plaintext = pattern(5_000_003);
    await roundTrip(plaintext, 1_048_576, 65_537);
    await roundTrip(plaintext.subarray(0, 300_000), 1, 4096);
    await roundTrip(plaintext.subarray(0, 300_000), 4096, 1);
  });

  it('gives every file its own key and salt, so the same bytes never encrypt the same', async () => {
    const a = encryptAttachment(provider, piecesOf(pattern(100), 100));
    const b = encryptAttachment(provider, piecesOf(pattern(100), 100));
    const [ca, cb] = [await collect(a), await collect(b)];
    expect(Buffer.compare(a.fileKey, b.fileKey)).not.toBe(0);
    expect(Buffer.compare(ca.subarray(13, HEADER_LENGTH), cb.subarray(13, HEADER_LENGTH))).not.toBe(0);
  });

  it('runs inside stream.pipeline between Node streams', async () => {
    const plaintext = pattern(1_000_000);
    const encryption = encryptAttachment(provider, Readable.from([Buffer.from(plaintext)]));
    const parts: Buffer[] = [];
    await pipeline(
      Readable.from(encryption),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          parts.push(chunk);
          done();
        },
      }),
    );
    const out = await collect(decryptAttachment(provider, Readable.from(parts), encryption.result()));
    expect(Buffer.compare(out, plaintext)).toBe(0);
  });

  it('refuses a file over the sender’s limit with attachment_too_large, and a stream of strings', async () => {
    await expect(collect(encryptAttachment(provider, piecesOf(pattern(1001), 100), { maxSize: 1000 }))).rejects.toMatchObject({ code: 'attachment_too_large' });
    await expect(collect(encryptAttachment(provider, Readable.from(['text'], { objectMode: true })))).rejects.toMatchObject({ code: 'attachment_malformed' });
  });
});
