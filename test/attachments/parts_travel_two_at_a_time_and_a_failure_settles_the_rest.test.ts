/**
 * Parts in flight (src/node/attachments/parts.ts, docs/protocol.md §20.7): while one part travels to the
 * store the next is cut, never more than `inFlight` stores at once, and the descriptor lists the parts in
 * their order whatever order the stores answer in. When one store fails, the error is thrown only after every
 * store already started has settled, so the writer (uploadFile) learns every reference it must delete.
 */
import { describe, expect, it } from 'vitest';
import { splitIntoParts } from '../../src/node/attachments/parts';
import { collect, piecesOf } from './streams';

const bytes = new Uint8Array(1000).map((_, i) => i % 251);

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('parts travel two at a time', () => {
  it('at most inFlight stores at once, answered out of order, listed in order', async () => {
    const gates = [0, 1, 2, 3].map(() => deferred<string>());
    let open = 0;
    let most = 0;
    const started: number[] = [];
    const writing = splitIntoParts(
      piecesOf(bytes, 64),
      300,
      async (part, index) => {
        await collect(part);
        started.push(index);
        most = Math.max(most, ++open);
        try {
          return await gates[index]!.promise;
        } finally {
          open--;
        }
      },
      2,
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve('second');
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates[2]!.resolve('third');
    gates[0]!.resolve('first');
    await new Promise((r) => setImmediate(r));
    gates[3]!.resolve('fourth');
    const parts = await writing;
    expect(most).toBe(2);
    expect(parts.map((p) => [p.ref, p.size])).toEqual([
      ['first', 300],
      ['second', 300],
      ['third', 300],
      ['fourth', 100],
    ]);
  });

  it('a failed store is reported only after the stores already started settled', async () => {
    const first = deferred<string>();
    let firstSettled = false;
    const writing = splitIntoParts(
      piecesOf(bytes, 64),
      300,
      async (part, index) => {
        await collect(part);
        if (index === 1) throw new Error('the store refused part 1');
        if (index === 0) return first.promise.finally(() => (firstSettled = true));
        throw new Error(`part ${index} must not be cut after a failure`);
      },
      2,
    );
    const outcome = writing.then(
      () => 'resolved',
      (err: Error) => ({ message: err.message, firstSettled }),
    );
    await new Promise((r) => setImmediate(r));
    first.resolve('first');
    expect(await outcome).toEqual({ message: 'the store refused part 1', firstSettled: true });
  });
});
