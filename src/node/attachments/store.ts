/**
 * Where the encrypted parts of attachments live (docs/architecture.md "Attachment stores"): one interface,
 * adapters for a local directory (the embedded default), an S3-compatible bucket (./s3Store.ts) and PubNub Files
 * through the SDK (./pubnubFilesStore.ts). A store
 * holds ciphertext parts only (docs/protocol.md §20.7) and knows nothing of files: references are random
 * (32 random bytes, base64url), never a file name, and no metadata beyond the object's bytes is written.
 * Integrity is not the store's job: `readAttachment` checks every part's size and SHA-256 against the
 * descriptor, so a store that alters an object is caught there (`attachment_hash_mismatch`).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AttachmentStoreError } from '../../common/attachments/errors';
import { PUBNUB_PART_SIZE } from '../../common/attachments/parts';

/** A store of ciphertext objects, each one part of an attachment. */
export interface AttachmentStore {
  readonly kind: 'local' | 's3' | 'pubnub';
  /** The largest part `put` accepts (bytes). */
  readonly maxPartSize: number;
  /**
   * Stores one part, read to its end, under a fresh random reference and answers it. A part over
   * `maxPartSize` is refused with `attachment_store_part_too_large` and nothing is stored.
   */
  put(part: AsyncIterable<Uint8Array>): Promise<string>;
  /** The object's bytes as they stream; `attachment_store_not_found` when there is none. */
  get(ref: string): AsyncIterable<Uint8Array>;
  /** Deletes the object; deleting one that is not there is not an error. */
  delete(ref: string): Promise<void>;
  exists(ref: string): Promise<boolean>;
}

const REF = /^[A-Za-z0-9_-]{43}$/;

/** A fresh reference: 32 random bytes, base64url without padding (43 characters). */
export function newStoreRef(): string {
  return randomBytes(32).toString('base64url');
}

/** Refuses anything that is not a reference a store made (no path or key tricks reach the store). */
export function checkStoreRef(ref: string): string {
  if (typeof ref !== 'string' || !REF.test(ref)) throw new AttachmentStoreError('attachment_store_bad_ref', 'not an attachment store reference');
  return ref;
}

/** The part size limit of a store's options: default the format's part size (§20.7). */
export function maxPartSizeOf(value: number | undefined): number {
  const size = value ?? PUBNUB_PART_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError('maxPartSize must be a positive integer');
  return size;
}

/** Reads a part whole, refusing it as soon as it passes `max` bytes (memory stays under `max`). */
export async function readBoundedPart(part: AsyncIterable<Uint8Array>, max: number): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  for await (const piece of part) {
    size += piece.length;
    if (size > max) throw new AttachmentStoreError('attachment_store_part_too_large', `a part is larger than the store's ${max} bytes`);
    pieces.push(piece);
  }
  return Buffer.concat(pieces, size);
}

export interface LocalAttachmentStoreOptions {
  /** The directory objects are kept in; it must exist (`attachment_store_bucket_missing` otherwise). */
  readonly directory: string;
  readonly maxPartSize?: number;
}

/**
 * Objects as files in one directory, named by their reference. A part is streamed to a temporary file
 * and renamed into place once complete, so a reader never sees half an object.
 */
export class LocalAttachmentStore implements AttachmentStore {
  readonly kind = 'local' as const;
  readonly maxPartSize: number;
  private readonly directory: string;

  constructor(opts: LocalAttachmentStoreOptions) {
    this.directory = path.resolve(opts.directory);
    this.maxPartSize = maxPartSizeOf(opts.maxPartSize);
  }

  private file(ref: string): string {
    return path.join(this.directory, checkStoreRef(ref));
  }

  private async directoryExists(): Promise<void> {
    try {
      if ((await stat(this.directory)).isDirectory()) return;
    } catch (err) {
      throw localError(err, 'the attachment directory');
    }
    throw new AttachmentStoreError('attachment_store_bucket_missing', 'the attachment directory is not a directory');
  }

  async put(part: AsyncIterable<Uint8Array>): Promise<string> {
    await this.directoryExists();
    const ref = newStoreRef();
    const temporary = path.join(this.directory, `.${ref}.partial`);
    let handle;
    try {
      handle = await open(temporary, 'wx', 0o600);
    } catch (err) {
      throw localError(err, 'the attachment directory');
    }
    try {
      let size = 0;
      for await (const piece of part) {
        size += piece.length;
        if (size > this.maxPartSize)
          throw new AttachmentStoreError('attachment_store_part_too_large', `a part is larger than the store's ${this.maxPartSize} bytes`);
        await handle.write(piece);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temporary, path.join(this.directory, ref));
      return ref;
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temporary, { force: true }).catch(() => undefined);
      // The part's own failure (its source broke, a format error upstream) is passed on as it is.
      throw isFsError(err) ? localError(err, 'the attachment directory') : err;
    }
  }

  async *get(ref: string): AsyncGenerator<Uint8Array> {
    const file = this.file(ref);
    await this.directoryExists();
    try {
      for await (const piece of createReadStream(file, { highWaterMark: 256 * 1024 })) yield new Uint8Array(piece as Buffer);
    } catch (err) {
      throw localError(err, 'an attachment object');
    }
  }

  async delete(ref: string): Promise<void> {
    const file = this.file(ref);
    await this.directoryExists();
    try {
      await rm(file, { force: true });
    } catch (err) {
      throw localError(err, 'an attachment object');
    }
  }

  async exists(ref: string): Promise<boolean> {
    const file = this.file(ref);
    await this.directoryExists();
    try {
      return (await stat(file)).isFile();
    } catch (err) {
      const e = localError(err, 'an attachment object');
      if (e.code === 'attachment_store_not_found') return false;
      throw e;
    }
  }
}

/** A failure of a filesystem call (Node sets `syscall` on those), not of a part's source. */
function isFsError(err: unknown): boolean {
  return typeof (err as { syscall?: unknown } | null)?.syscall === 'string';
}

/** A filesystem failure as a store error (the path is not in the message). */
function localError(err: unknown, what: string): AttachmentStoreError {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') {
    return what === 'the attachment directory'
      ? new AttachmentStoreError('attachment_store_bucket_missing', 'the attachment directory does not exist')
      : new AttachmentStoreError('attachment_store_not_found', 'no attachment object under this reference');
  }
  if (code === 'EACCES' || code === 'EPERM') return new AttachmentStoreError('attachment_store_access_denied', `no permission on ${what}`);
  return new AttachmentStoreError('attachment_store_unavailable', `${what} could not be read or written (${typeof code === 'string' ? code : 'error'})`);
}
