/**
 * Splitting a ciphertext into stored parts and joining them back (docs/protocol.md §20.7), over streams:
 * one part is in flight at a time and no part is held whole, so memory does not grow with the part size.
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
 * Cuts `source` every `partSize` bytes and hands each part, in order, to `store`, which must read it to the
 * end and answer the store's reference for it. Answers the parts with their sizes and SHA-256.
 */
export async function splitIntoParts(
  source: AsyncIterable<Uint8Array>,
  partSize: number,
  store: (part: AsyncIterable<Uint8Array>, index: number) => Promise<string>,
): Promise<WrittenPart[]> {
  if (!Number.isSafeInteger(partSize) || partSize < 1) throw new RangeError('partSize must be a positive integer');
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
  while (await pull()) {
    if (parts.length === MAX_PARTS) throw new AttachmentError('attachment_too_large', `more than ${MAX_PARTS} parts of ${partSize} bytes`);
    const hash = createHash('sha256');
    let size = 0;
    const part = async function* (): AsyncGenerator<Uint8Array> {
      while (size < partSize && (await pull())) {
        const take = carry.subarray(0, partSize - size);
        carry = carry.subarray(take.length);
        hash.update(take);
        size += take.length;
        yield take;
      }
    };
    const ref = await store(part(), parts.length);
    if (size < partSize && (await pull())) throw new Error(`the store returned before reading part ${parts.length} to its end`);
    parts.push({ ref, size, sha256: new Uint8Array(hash.digest()) });
  }
  return parts;
}

/**
 * The ciphertext from its parts, in order: each part is streamed through as it arrives and checked for
 * its size (`attachment_truncated` short, `attachment_trailing_data` long, before any byte past its size is
 * passed on) and its SHA-256 (`attachment_hash_mismatch`, at its end) before the next part is fetched.
 */
export async function* joinParts(parts: readonly ExpectedPart[], fetch: (index: number) => AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const [index, expected] of parts.entries()) {
    const hash = createHash('sha256');
    let size = 0;
    for await (const piece of fetch(index)) {
      if (size + piece.length > expected.size)
        throw new AttachmentError('attachment_trailing_data', `part ${index} is longer than ${expected.size} bytes`, index);
      hash.update(piece);
      size += piece.length;
      yield piece;
    }
    if (size < expected.size) throw new AttachmentError('attachment_truncated', `part ${index} ends after ${size} of ${expected.size} bytes`, index);
    const digest = hash.digest();
    if (expected.sha256.length !== digest.length || !timingSafeEqual(digest, expected.sha256))
      throw new AttachmentError('attachment_hash_mismatch', `part ${index} is not the one the descriptor names (SHA-256 differs)`, index);
  }
}
