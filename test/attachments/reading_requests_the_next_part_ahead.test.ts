/**
 * Reading ahead (src/node/attachments/parts.ts `joinParts`, docs/protocol.md §20.7): while one part is passed
 * on, the next part's request is already made, yet no byte of it is passed on before the part at hand has its
 * size and SHA-256 checked. A bad part stops the read with its typed error, closes the request made ahead, and
 * a request made ahead that fails is reported only when its turn comes (never as an unhandled rejection).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttachmentError } from '../../src/common/attachments/errors';
import { joinParts, PARTS_AHEAD } from '../../src/node/attachments/parts';
import { collect, drain, piecesOf } from './streams';

const partsOf = (...contents: Uint8Array[]) =>
  contents.map((bytes) => ({ size: bytes.length, sha256: new Uint8Array(createHash('sha256').update(bytes).digest()) }));
const a = new Uint8Array(300).fill(1);
const b = new Uint8Array(300).fill(2);
const c = new Uint8Array(100).fill(3);

/** A store whose `get` records when each part's request starts and whether its stream was closed. */
function recordingStore(objects: Uint8Array[]) {
  const log: string[] = [];
  const fetch = (index: number) =>
    (async function* () {
      log.push(`request ${index}`);
      try {
        for await (const piece of piecesOf(objects[index]!, 100)) yield piece;
        log.push(`end ${index}`);
      } finally {
        log.push(`close ${index}`);
      }
    })();
  return { log, fetch };
}

describe('reading requests the next part ahead', () => {
  it("asks for the next part while the first is passed on, and passes on no byte of it before the first's check", async () => {
    expect(PARTS_AHEAD).toBe(1);
    const { log, fetch } = recordingStore([a, b, c]);
    const reading = joinParts(partsOf(a, b, c), fetch);
    const first = await reading.next();
    expect(first.value).toEqual(a.subarray(0, 100));
    expect(log).toEqual(['request 0', 'request 1']);
    const rest = await collect(reading);
    expect(rest.length).toBe(200 + 300 + 100);
    expect(log.filter((l) => l.startsWith('request'))).toEqual(['request 0', 'request 1', 'request 2']);
  });

  it('a tampered first part is refused before any byte of the next, and the request made ahead is closed', async () => {
    const tampered = a.slice();
    tampered[299] = 9;
    const { log, fetch } = recordingStore([tampered, b, c]);
    const { emitted, error } = await drain(joinParts(partsOf(a, b, c), fetch));
    expect(error).toBeInstanceOf(AttachmentError);
    expect(error).toMatchObject({ code: 'attachment_hash_mismatch', index: 0 });
    expect(emitted.length).toBeLessThanOrEqual(300);
    expect(emitted.includes(2)).toBe(false);
    expect(log).toContain('request 1');
    expect(log).toContain('close 1');
    expect(log).not.toContain('end 1');
  });

  it('a part longer than listed is refused; one made ahead that fails is thrown in its turn', async () => {
    const { fetch } = recordingStore([a, b]);
    await expect(collect(joinParts(partsOf(a.subarray(0, 200), b), fetch))).rejects.toMatchObject({ code: 'attachment_trailing_data', index: 0 });
    const failing = (index: number) =>
      (async function* () {
        if (index === 1) throw new Error('store unavailable');
        yield* piecesOf(a, 100);
      })();
    const { emitted, error } = await drain(joinParts(partsOf(a, b), failing));
    expect(emitted).toEqual(a);
    expect(error).toMatchObject({ message: 'store unavailable' });
  });

  it('a reader that stops early closes the part at hand and the one requested ahead', async () => {
    const { log, fetch } = recordingStore([a, b, c]);
    const reading = joinParts(partsOf(a, b, c), fetch);
    await reading.next();
    await reading.return(undefined);
    expect(log).toEqual(['request 0', 'request 1', 'close 0', 'close 1']);
  });
});
