/**
 * `coalescingStreamed` (src/node/crypto/coalescingBatch.ts), which the catch-up open uses: calls that
 * arrive together are cut into parts that go to worker threads while more still arrive, and the rest is
 * shared by demand once they stop. Whatever the page size and however pages overlap, every caller gets
 * exactly its own answer; an item the engine refuses fails its own caller only; a worker that dies
 * mid-page has its parts answered here. A toy engine (x -> 2x + 1, and a marker showing which thread
 * answered) stands in for the crypto, so the routing alone is under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalescingStreamed } from '../../src/node/crypto/coalescingBatch';
import { availableParallelism } from 'node:os';
import type { ThreadEngine } from '../../src/node/crypto/threadShare';

type Answer = { value: number; by: 'here' | 'worker' };

function engineWith(workerSource: string): ThreadEngine<number, Answer> {
  return {
    here: (items) =>
      items.map((x) => {
        if (x === -2) throw new RangeError(`refused ${x}`);
        return { value: 2 * x + 1, by: 'here' as const };
      }),
    workerSource,
    compact: (x) => x,
  };
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, items }) => {
  if (items.includes(-1)) return process.exit(3);
  parentPort.postMessage({ id, results: items.map((x) => ({ value: 2 * x + 1, by: 'worker' })) });
});`;

const CHUNK = 8;

describe('streamed batches', () => {
  it('answer every caller once with its own result, for any page sizes and overlaps', async () => {
    const open = coalescingStreamed(engineWith(WORKER), { chunk: CHUNK, aheadWhileArriving: 2, inHand: 1 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 4 }), fc.boolean(), async (pages, overlap) => {
        let next = 0;
        const all: Promise<Answer>[] = [];
        const expected: number[] = [];
        for (const size of pages) {
          const items = Array.from({ length: size }, () => next++);
          expected.push(...items.map((x) => 2 * x + 1));
          const answers = items.map((x) => open(x));
          all.push(...answers);
          if (!overlap) await Promise.all(answers);
        }
        expect((await Promise.all(all)).map((a) => a.value)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('shares a large page with workers and keeps a small one here', async () => {
    const open = coalescingStreamed(engineWith(WORKER), { chunk: CHUNK, aheadWhileArriving: 2, inHand: 1 });
    const small = await Promise.all(Array.from({ length: CHUNK - 1 }, (_, i) => open(i)));
    expect(new Set(small.map((a) => a.by))).toEqual(new Set(['here']));
    const large = await Promise.all(Array.from({ length: CHUNK * 20 }, (_, i) => open(i)));
    expect(large.map((a) => a.value)).toEqual(Array.from({ length: CHUNK * 20 }, (_, i) => 2 * i + 1));
    if (availableParallelism() > 1) {
      expect(large.some((a) => a.by === 'worker')).toBe(true);
      expect(large.some((a) => a.by === 'here')).toBe(true);
    }
  });

  it('a worker that dies mid-page has its parts answered here; later pages still work', async () => {
    const open = coalescingStreamed(engineWith(WORKER), { chunk: CHUNK, aheadWhileArriving: 4, inHand: 1 });
    // -1 makes the worker that receives it exit (here it is just another item: 2 * -1 + 1).
    const items = Array.from({ length: CHUNK * 12 }, (_, i) => (i === 3 ? -1 : i));
    const answers = await Promise.all(items.map((x) => open(x)));
    expect(answers.map((a) => a.value)).toEqual(items.map((x) => 2 * x + 1));
    const after = await Promise.all(Array.from({ length: CHUNK * 4 }, (_, i) => open(i)));
    expect(after.map((a) => a.value)).toEqual(Array.from({ length: CHUNK * 4 }, (_, i) => 2 * i + 1));
  });

  it("when the engine throws on a part here, that part's callers get the error and every other caller its answer", async () => {
    const open = coalescingStreamed(engineWith(WORKER), { chunk: CHUNK, aheadWhileArriving: 1, inHand: 1 });
    const items = Array.from({ length: CHUNK - 2 }, (_, i) => (i === 2 ? -2 : i));
    const settled = await Promise.allSettled(items.map((x) => open(x)));
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof RangeError)).toBe(true);
    const after = await Promise.all([open(5), open(6)]);
    expect(after.map((a) => a.value)).toEqual([11, 13]);
  });
});
