/**
 * Parts (docs/protocol.md §20.7): a ciphertext larger than a store takes in one object is stored as
 * consecutive byte ranges, each its own object with its own SHA-256 in the descriptor. Concatenated in
 * order they are the ciphertext. Part boundaries need not fall on chunk boundaries.
 */
import { AttachmentError } from './errors';

/**
 * What writers use for PubNub Files, whose objects are capped at 5 MB: 4 MiB (4,194,304 bytes) leaves
 * room for the multipart form around the file below the cap, whichever "MB" the cap means.
 */
export const PUBNUB_PART_SIZE = 4_194_304;
/** The most parts a descriptor lists (the sealed message's body, about 23 KB by §7.5, has room for roughly 150). */
export const MAX_PARTS = 256;

/** The sizes of the parts of a ciphertext of `total` bytes cut every `partSize` bytes. */
export function partSizes(total: number, partSize: number): number[] {
  if (!Number.isSafeInteger(total) || total < 1 || !Number.isSafeInteger(partSize) || partSize < 1)
    throw new AttachmentError('attachment_malformed', 'part layout out of range');
  const sizes: number[] = [];
  for (let left = total; left > 0; left -= partSize) sizes.push(Math.min(left, partSize));
  if (sizes.length > MAX_PARTS)
    throw new AttachmentError('attachment_too_large', `${sizes.length} parts of ${partSize} bytes exceed the ${MAX_PARTS} parts of a descriptor`);
  return sizes;
}
