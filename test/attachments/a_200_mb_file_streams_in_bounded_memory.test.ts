/**
 * Constant memory whatever the size (docs/protocol.md §20.4): a 200 MB file is encrypted and decrypted as a
 * stream — the plaintext source reuses one 1 MiB buffer — while the memory still reachable (heap and
 * ArrayBuffers, after a full collection) is sampled every 256 chunks. The bound (64 MB of growth) is far
 * above what the streams hold (a chunk or two) and far below the file, so a stream that kept what it
 * passed on would fail it. Sizes only, no timing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HEADER_LENGTH, SALT_LENGTH } from '../../src/common/attachments/format';
import { decryptAttachment } from '../../src/node/attachments/decryptAttachment';
import { encryptAttachment } from '../../src/node/attachments/encryptAttachment';
import { provider } from '../crypto/fixtures';

const MiB = 1_048_576;
const FILE_MIB = 200;
const BOUND = 64 * MiB;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Memory still reachable: heap and ArrayBuffers after a full collection. */
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function* source(buffer: Uint8Array, times: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < times; i++) yield buffer;
}

describe('a 200 MB attachment', () => {
  it('is encrypted and decrypted with bounded memory', async () => {
    const buffer = new Uint8Array(MiB).map((_, i) => i % 251);
    const baseline = used();
    let peak = 0;
    const encryption = encryptAttachment(provider, source(buffer, FILE_MIB));
    let pieces = 0;
    async function* sampled(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const piece of stream) {
        if (++pieces % 256 === 0) peak = Math.max(peak, used() - baseline);
        yield piece;
      }
    }
    // Decrypting needs the SHA-256, known only at the end: encrypt once to learn it, then decrypt a second
    // encryption under the same key and salt (the salt read from the header, the first piece).
    let ciphertextBytes = 0;
    let salt: Uint8Array | undefined;
    for await (const piece of sampled(encryption)) {
      salt ??= piece.slice(HEADER_LENGTH - SALT_LENGTH, HEADER_LENGTH);
      ciphertextBytes += piece.length;
    }
    const file = encryption.result();
    expect(file.size).toBe(FILE_MIB * MiB);
    expect(file.ciphertextSize).toBe(ciphertextBytes);

    const again = encryptAttachment(provider, source(buffer, FILE_MIB), { fileKey: file.fileKey, salt });
    let plaintextBytes = 0;
    for await (const piece of sampled(decryptAttachment(provider, sampled(again), file))) {
      expect(piece[0]).toBe((plaintextBytes % MiB) % 251);
      plaintextBytes += piece.length;
    }
    expect(plaintextBytes).toBe(FILE_MIB * MiB);
    expect(pieces).toBeGreaterThan(3 * 3200);
    expect(peak).toBeLessThan(BOUND);
  }, 180_000);
});
