/**
 * Sending a file, first half (docs/client.md "Files"): a local file is checked against the send policy
 * before a byte is read, then encrypted as it streams (docs/protocol.md §20.4: a fresh key, constant memory)
 * and stored part by part (§20.7); the answer is its descriptor (§20.5), which the caller seals and publishes
 * as an `attachment` message (§7.9). A failed or cancelled upload deletes the parts it stored.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CryptoProvider } from '../../common/crypto/provider';
import type { AttachmentDescriptor } from '../../common/attachments/descriptor';
import { mediaTypeOfName } from '../../common/attachments/mediaTypeOf';
import { checkAttachmentAllowed, type AttachmentSendLimits } from '../../common/attachments/sendPolicy';
import { AppError } from '../../common/errors';
import type { AttachmentStore } from '../../node/attachments/store';
import { writeAttachment } from '../../node/attachments/attachmentFiles';
import { parseAttachmentDescriptor } from '../../common/attachments/descriptor';
import type { Thumbnail } from './thumbnailInput';

export interface AttachmentDeps {
  readonly provider: CryptoProvider;
  readonly store: AttachmentStore;
}

export interface TransferOptions {
  /** Plaintext bytes done so far, of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting stops the transfer with `attachment_cancelled` (and an upload deletes what it stored). */
  readonly signal?: AbortSignal;
}

/** The user (or the app) cancelled a transfer. */
export class TransferCancelledError extends AppError {
  constructor() {
    super('attachment_cancelled', 'The transfer was cancelled.', 'conflict');
    this.name = 'TransferCancelledError';
  }
}

/** What is uploaded: a file on disk, or bytes (a pasted image) with their name. */
export type UploadSource = { readonly path: string; readonly fileName?: string } | { readonly bytes: Uint8Array; readonly fileName: string };

/**
 * Encrypts and stores a file; answers its descriptor. `attachment_policy_*` (nothing read) when the policy
 * refuses it; `attachment_too_large` when a file grows past the limit while it is read.
 */
export async function uploadFile(
  deps: AttachmentDeps,
  limits: AttachmentSendLimits,
  source: UploadSource,
  options: TransferOptions & { readonly thumbnail?: Thumbnail } = {},
): Promise<AttachmentDescriptor> {
  const fileName = 'path' in source ? (source.fileName ?? basename(source.path)) : source.fileName;
  const mediaType = mediaTypeOfName(fileName);
  const handle = 'path' in source ? await open(source.path, 'r') : undefined;
  try {
    let total: number;
    if (handle !== undefined) {
      const info = await handle.stat();
      if (!info.isFile()) throw new AppError('attachment_not_a_file', 'Only files can be sent, not folders or devices.', 'validation');
      total = info.size;
    } else total = (source as { bytes: Uint8Array }).bytes.length;
    checkAttachmentAllowed(limits, { size: total, mediaType });
    const raw: AsyncIterable<Uint8Array> =
      handle !== undefined ? handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: false }) : once((source as { bytes: Uint8Array }).bytes);
    const stored: string[] = [];
    const put = async (part: AsyncIterable<Uint8Array>): Promise<string> => {
      const ref = await deps.store.put(part);
      stored.push(ref);
      return ref;
    };
    try {
      const descriptor = await writeAttachment(deps.provider, {
        source: counted(raw, total, options),
        fileName,
        mediaType,
        store: put,
        partSize: deps.store.maxPartSize,
        encrypt: { maxSize: limits.maxBytes ?? undefined },
      });
      if (options.thumbnail === undefined) return descriptor;
      const thumb = await writeAttachment(deps.provider, {
        source: once(options.thumbnail.bytes),
        fileName: 'thumbnail',
        mediaType: options.thumbnail.mediaType,
        store: put,
        partSize: deps.store.maxPartSize,
      });
      return parseAttachmentDescriptor({
        ...descriptor,
        thumbnail: {
          key: thumb.key,
          size: thumb.size,
          chunkSize: thumb.chunkSize,
          sha256: thumb.sha256,
          mediaType: options.thumbnail.mediaType,
          width: options.thumbnail.width,
          height: options.thumbnail.height,
          parts: thumb.parts,
        },
      });
    } catch (err) {
      await Promise.all(stored.map((ref) => deps.store.delete(ref).catch(() => undefined)));
      throw err;
    }
  } finally {
    await handle?.close();
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Passes `source` through, reporting progress and stopping at an abort. */
async function* counted(source: AsyncIterable<Uint8Array>, total: number, options: TransferOptions): AsyncGenerator<Uint8Array> {
  let done = 0;
  for await (const piece of source) {
    if (options.signal?.aborted === true) throw new TransferCancelledError();
    done += piece.length;
    yield piece instanceof Buffer ? new Uint8Array(piece.buffer, piece.byteOffset, piece.length) : piece;
    options.onProgress?.(done, Math.max(total, done));
  }
  if (options.signal?.aborted === true) throw new TransferCancelledError();
}
