/**
 * Splitting a ciphertext into stored parts and joining them back (docs/protocol.md §20.7), over streams: a
 * few parts are in flight at a time (PARTS_IN_FLIGHT) and this module holds none whole, so memory is bounded
 * by the part size times the parts in flight.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AttachmentError } from '../../common/attachments/errors';
import { MAX_PARTS } from '../../common/attachments/parts';

/** A part as written: its size and SHA-256, and what the store named it. */
export interface WrittenPart {
  readonly ref: string;
  readonly size: number;
  readonly sha256: Uint8Array;
}

/** A part as the descriptor lists it (binary as bytes). */
export interface ExpectedPart {
  readonly size: number;
  readonly sha256: Uint8Array;
}

/**
 * How many parts a writer stores at once by default: while one part travels to the store the next is
 * encrypted and cut, and memory stays bounded by this many parts (a store that reads a part whole holds it).
 */
export const PARTS_IN_FLIGHT = 2;

/**
 * Cuts `source` every `partSize` bytes and hands each part, in order, to `store`, which must read it to the
 * end and answer the store's reference for it. Answers the parts with their sizes and SHA-256. A part is cut
 * only once the store has read the previous one to its end; at most `inFlight` stores are awaited at once.
 * On a failure every store already started is settled before the error is thrown, so the caller learns of
 * every reference it must clean up.
 */
export async function splitIntoParts(
  source: AsyncIterable<Uint8Array>,
  partSize: number,
  store: (part: AsyncIterable<Uint8Array>, index: number) => Promise<string>,
  inFlight = 1,
): Promise<WrittenPart[]> {
  if (!Number.isSafeInteger(partSize) || partSize < 1) throw new RangeError('partSize must be a positive integer');
  if (!Number.isSafeInteger(inFlight) || inFlight < 1) throw new RangeError('inFlight must be a positive integer');
  const input = source[Symbol.asyncIterator]();
  let carry: Uint8Array = new Uint8Array(0);
  let ended = false;
  const pull = async (): Promise<boolean> => {
    while (carry.length === 0 && !ended) {
      const next = await input.next();
      if (next.done) ended = true;
      else carry = next.value;
    }
    return carry.length > 0;
  };
  const parts: WrittenPart[] = [];
  const pending = new Set<Promise<void>>();
  const failures: unknown[] = [];
  try {
    for (let index = 0; failures.length === 0 && (await pull()); index++) {
      if (index === MAX_PARTS) throw new AttachmentError('attachment_too_large', `more than ${MAX_PARTS} parts of ${partSize} bytes`);
      const hash = createHash('sha256');
      let size = 0;
      let finished = false;
      let consumed: () => void = () => undefined;
      const read = new Promise<void>((resolve) => (consumed = resolve));
      const part = async function* (): AsyncGenerator<Uint8Array> {
        try {
          while (size < partSize && (await pull())) {
            const take = carry.subarray(0, partSize - size);
            carry = carry.subarray(take.length);
            hash.update(take);
            size += take.length;
            yield take;
          }
          finished = true;
        } finally {
          consumed();
        }
      };
      const task = store(part(), index).then((ref) => {
        if (!finished) throw new Error(`the store returned before reading part ${index} to its end`);
        parts[index] = { ref, size, sha256: new Uint8Array(hash.digest()) };
      });
      const tracked: Promise<void> = task.catch((err: unknown) => void failures.push(err)).finally(() => pending.delete(tracked));
      pending.add(tracked);
      // The next part reads the same source: only once this one is read (or its store gave up).
      await Promise.race([read, tracked]);
      while (pending.size >= inFlight) await Promise.race(pending);
    }
  } finally {
    await Promise.all(pending);
  }
  if (failures.length > 0) throw failures[0];
  return parts;
}

/**
 * How many parts a reader fetches ahead of the one it is passing on: the next part's request travels while
 * this one is verified and decrypted (memory: one more part, as a store that answers a part whole holds it).
 */
export const PARTS_AHEAD = 1;

/** A part's stream with its first read already asked for (a store starts its request on the first read). */
interface Started {
  readonly iterator: AsyncIterator<Uint8Array>;
  readonly first: Promise<IteratorResult<Uint8Array>>;
}

function start(source: AsyncIterable<Uint8Array>): Started {
  const iterator = source[Symbol.asyncIterator]();
  const first = iterator.next();
  // Settled later, in order; a failure here is thrown when this part's turn comes, not as an unhandled rejection.
  first.catch(() => undefined);
  return { iterator, first };
}

/**
 * The ciphertext from its parts, in order: each part is streamed through as it arrives and checked for its
 * size (`attachment_truncated` short, `attachment_trailing_data` long, before any byte past its size is passed
 * on) and its SHA-256 (`attachment_hash_mismatch`, at its end) before any byte of the next part is passed on.
 * The next `ahead` parts are already requested meanwhile (their bytes wait, unread past their first piece);
 * when the reader stops early or a check fails, those requests are closed.
 */
export async function* joinParts(
  parts: readonly ExpectedPart[],
  fetch: (index: number) => AsyncIterable<Uint8Array>,
  ahead = PARTS_AHEAD,
): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(ahead) || ahead < 0) throw new RangeError('ahead must be a non-negative integer');
  const started: Started[] = [];
  /** The part being passed on, until its stream ended. */
  let current: AsyncIterator<Uint8Array> | undefined;
  let next = 0;
  const fill = (upTo: number) => {
    for (; next < parts.length && next <= upTo; next++) started.push(start(fetch(next)));
  };
  try {
    for (const [index, expected] of parts.entries()) {
      fill(index + ahead);
      const { iterator, first } = started.shift()!;
      current = iterator;
      const hash = createHash('sha256');
      let size = 0;
      for (let step = await first; step.done !== true; step = await iterator.next()) {
        const piece = step.value;
        if (size + piece.length > expected.size)
          throw new AttachmentError('attachment_trailing_data', `part ${index} is longer than ${expected.size} bytes`, index);
        hash.update(piece);
        size += piece.length;
        yield piece;
      }
      current = undefined;
      if (size < expected.size) throw new AttachmentError('attachment_truncated', `part ${index} ends after ${size} of ${expected.size} bytes`, index);
      const digest = hash.digest();
      if (expected.sha256.length !== digest.length || !timingSafeEqual(digest, expected.sha256))
        throw new AttachmentError('attachment_hash_mismatch', `part ${index} is not the one the descriptor names (SHA-256 differs)`, index);
    }
  } finally {
    // The part cut short and the parts requested ahead: close their streams (a failure there changes nothing now).
    await current?.return?.().catch(() => undefined);
    await Promise.all(
      started.map(async ({ iterator, first }) => {
        await first.catch(() => undefined);
        await iterator.return?.().catch(() => undefined);
      }),
    );
  }
}
