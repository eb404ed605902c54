/**
 * A ciphertext over PubNub Files' 5 MB cap is stored as parts, each its own object with its own SHA-256 in
 * the descriptor (docs/protocol.md §20.7); reading joins them in order and verifies each. A store that loses,
 * swaps, shortens, lengthens or replaces a part is caught with a typed error.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { concatBytes } from '../../src/common/encoding/bytes';
import { parseAttachmentDescriptor, type AttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { ciphertextSize, DEFAULT_CHUNK_SIZE } from '../../src/common/attachments/format';
import { PUBNUB_PART_SIZE, partSizes } from '../../src/common/attachments/parts';
import { readAttachment, writeAttachment } from '../../src/node/attachments/attachmentFiles';
import { joinParts, splitIntoParts } from '../../src/node/attachments/parts';
import { provider } from '../crypto/fixtures';
import { collect, drain, pattern, piecesOf } from './streams';

/** An in-memory store: what a bucket or PubNub Files holds, by reference. */
function memoryStore() {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    store: async (part: AsyncIterable<Uint8Array>, index: number) => {
      const ref = `obj-${index}-${objects.size}`;
      objects.set(ref, await collect(part));
      return ref;
    },
    fetch: (ref: string) => piecesOf(objects.get(ref) ?? new Uint8Array(0), 100_000),
  };
}

describe('parts', () => {
  it('cut a 9 MB file into 4 MiB parts, each under PubNub’s cap, that read back verified', async () => {
    const plaintext = pattern(9_000_000);
    const { objects, store, fetch } = memoryStore();
    const d = await writeAttachment(provider, { source: piecesOf(plaintext, 300_000), fileName: 'scan.pdf', mediaType: 'application/pdf', store });
    const total = ciphertextSize(plaintext.length, DEFAULT_CHUNK_SIZE);
    expect(d.parts.map((p) => p.size)).toEqual(partSizes(total, PUBNUB_PART_SIZE));
    expect(d.parts.map((p) => p.size)).toEqual([PUBNUB_PART_SIZE, PUBNUB_PART_SIZE, total - 2 * PUBNUB_PART_SIZE]);
    for (const o of objects.values()) expect(o.length).toBeLessThan(5_000_000);
    expect(parseAttachmentDescriptor(JSON.parse(JSON.stringify(d)))).toEqual(d);
    expect(Buffer.compare(await collect(readAttachment(provider, d, fetch)), plaintext)).toBe(0);
  });

  it('make one part of a small file', async () => {
    const { store, fetch } = memoryStore();
    const d = await writeAttachment(provider, { source: piecesOf(pattern(10), 10), fileName: 'a.txt', mediaType: 'text/plain; charset=utf-8', store });
    expect(d.parts).toHaveLength(1);
    expect(d.mediaType).toBe('text/plain');
    expect(Buffer.compare(await collect(readAttachment(provider, d, fetch)), pattern(10))).toBe(0);
  });

  describe('a store that tampers with parts is caught', () => {
    const setup = async () => {
      const plaintext = pattern(300_000);
      const m = memoryStore();
      const d = await writeAttachment(provider, {
        source: piecesOf(plaintext, 50_000),
        fileName: 'x.bin',
        mediaType: 'application/octet-stream',
        store: m.store,
        partSize: 100_000,
      });
      expect(d.parts).toHaveLength(4);
      return { plaintext, d, ...m };
    };
    const read = (d: AttachmentDescriptor, fetch: (ref: string) => AsyncIterable<Uint8Array>) => drain(readAttachment(provider, d, fetch));

    it('a part swapped with another', async () => {
      const { d, objects, fetch } = await setup();
      const [a, b] = [objects.get(d.parts[1]!.ref)!, objects.get(d.parts[2]!.ref)!];
      objects.set(d.parts[1]!.ref, b);
      objects.set(d.parts[2]!.ref, a);
      const { emitted, error } = await read(d, fetch);
      expect(error).toMatchObject({ code: 'attachment_bad_chunk' });
      expect(emitted.length).toBeLessThan(100_000);
    });

    it('a part shortened, lengthened, or emptied', async () => {
      const { d, objects, fetch } = await setup();
      const ref = d.parts[3]!.ref;
      const original = objects.get(ref)!;
      objects.set(ref, original.subarray(0, original.length - 1));
      expect((await read(d, fetch)).error).toMatchObject({ code: 'attachment_truncated', index: 3 });
      objects.set(ref, concatBytes(original, Uint8Array.of(7)));
      expect((await read(d, fetch)).error).toMatchObject({ code: 'attachment_trailing_data', index: 3 });
      objects.delete(ref);
      const { emitted, error } = await read(d, fetch);
      expect(error).toMatchObject({ code: 'attachment_truncated', index: 3 });
      expect(emitted.length).toBeLessThan(300_000);
    });

    it('a part replaced by other bytes of the same size: the part hash catches it without the key', async () => {
      const { d, objects } = await setup();
      const ref = d.parts[0]!.ref;
      const altered = Uint8Array.from(objects.get(ref)!);
      altered[99_999] = (altered[99_999] ?? 0) ^ 1;
      objects.set(ref, altered);
      const expected = d.parts.map((p) => ({ size: p.size, sha256: fromBase64Url(p.sha256) }));
      const { error } = await drain(joinParts(expected, (i) => piecesOf(objects.get(d.parts[i]!.ref)!, 4096)));
      expect(error).toMatchObject({ code: 'attachment_hash_mismatch', index: 0 });
    });
  });

  it('are cut every partSize bytes whatever the pieces, and the store must read each to its end', async () => {
    const bytes = pattern(1000);
    const seen: number[] = [];
    const parts = await splitIntoParts(piecesOf(bytes, 77), 300, async (part) => {
      seen.push((await collect(part)).length);
      return 'r';
    });
    expect(seen).toEqual([300, 300, 300, 100]);
    expect(parts.map((p) => p.size)).toEqual(seen);
    await expect(splitIntoParts(piecesOf(bytes, 77), 300, async () => 'r')).rejects.toThrow(/before reading part 0/);
  });
});
