/**
 * Receiving a file (docs/client.md "Files"): the parts a descriptor names are fetched in order, each checked
 * for its size and SHA-256 (docs/protocol.md §20.7), and decrypted as they stream (§20.4). The plaintext goes
 * to a temporary file beside the destination (mode 0600) that is renamed into place only after the last
 * chunk authenticated and the whole ciphertext's SHA-256 matched: a download that fails verification —
 * tampered, truncated, reordered, a sender's size lie — leaves nothing at the destination, and its typed
 * error (`attachment_*`) says why. Thumbnails are read whole into memory (they are at most 256 KiB).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { attachmentExpectation, MAX_THUMBNAIL_SIZE, type AttachmentDescriptor, type AttachmentThumbnail } from '../../common/attachments/descriptor';
import { AttachmentError } from '../../common/attachments/errors';
import { readAttachment } from '../../node/attachments/attachmentFiles';
import { decryptAttachment } from '../../node/attachments/decryptAttachment';
import { joinParts } from '../../node/attachments/parts';
import { TransferCancelledError, type AttachmentDeps, type TransferOptions } from './uploadFile';

/**
 * Fetches, verifies and decrypts the file to `outPath` (replacing a file there only once it verified);
 * answers the bytes written.
 */
export async function downloadFile(deps: AttachmentDeps, descriptor: AttachmentDescriptor, outPath: string, options: TransferOptions = {}): Promise<number> {
  const temporary = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.partial`);
  const handle = await open(temporary, 'wx', 0o600);
  let done = 0;
  try {
    for await (const piece of readAttachment(deps.provider, descriptor, (ref) => deps.store.get(ref))) {
      if (options.signal?.aborted === true) throw new TransferCancelledError();
      await handle.write(piece);
      done += piece.length;
      options.onProgress?.(done, descriptor.size);
    }
    if (done !== descriptor.size) throw new AttachmentError('attachment_truncated', `the file ended after ${done} of ${descriptor.size} bytes`);
    await handle.sync();
    await handle.close();
    await rename(temporary, outPath);
    return done;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw err;
  }
}

/** The verified plaintext of a thumbnail (a preview: bounded, held in memory). */
export async function readThumbnail(deps: AttachmentDeps, thumbnail: AttachmentThumbnail): Promise<Uint8Array> {
  const out = new Uint8Array(thumbnail.size);
  let at = 0;
  const expected = attachmentExpectation(thumbnail);
  const ciphertext = joinParts(expected.parts, (index) => deps.store.get(thumbnail.parts[index]?.ref ?? ''));
  for await (const piece of decryptAttachment(deps.provider, ciphertext, expected)) {
    if (at + piece.length > Math.min(MAX_THUMBNAIL_SIZE, out.length))
      throw new AttachmentError('attachment_trailing_data', 'the thumbnail is longer than its descriptor says');
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/**
 * Deletes a file's objects from the store (the file and its thumbnail): when its sender deletes the message
 * for everyone or it disappears. Objects already gone are not an error.
 */
export async function deleteStoredObjects(store: AttachmentDeps['store'], descriptor: AttachmentDescriptor): Promise<void> {
  const refs = [...descriptor.parts, ...(descriptor.thumbnail?.parts ?? [])].map((p) => p.ref);
  for (const ref of refs) await store.delete(ref);
}
