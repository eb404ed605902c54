/**
 * Attachment parts as PubNub Files through the `pubnub` SDK's file API (docs/protocol.md §20.10): `put` is
 * `sendFile`, `get` is `downloadFile`, `delete` is `deleteFile`, `exists` pages through `listFiles`.
 * Production talks to PubNub; the embedded stack and the tests talk to the local relay, which implements the
 * same endpoints (docs/relay.md "Files"). The SDK instance carries the client's Access Manager token.
 *
 * Each part is one file named by a fresh random reference (32 random bytes, base64url), holding the part's
 * ciphertext and nothing else; the file message `sendFile` publishes carries only PubNub's `{file: {id,
 * name}}` (no text, no meta) and is not stored in history. The descriptor — keys, hashes, the real file name —
 * travels only in the sealed conversation message.
 *
 * Two layouts of a store reference (printable ASCII well under the descriptor's 256 characters):
 * - `<uploader tag>.<file id>.<name>`: the part is on the uploader's own files channel of the conversation,
 *   `files.<conversationId>.<tag>` (`uploads` set: what the app writes since per-uploader channels). The
 *   uploader's token grants `delete` there, the other members' only `read`.
 * - `<file id>.<name>`: the part is on the store's `channel` (what the app wrote before: the conversation's
 *   channel `conv.<id>`). With `uploads` set such parts still download, but `delete` leaves them (members'
 *   tokens carry no `delete` on the conversation channel): the keyset's Files retention removes them.
 */
import type PubNub from 'pubnub';
import { AttachmentStoreError } from '../../common/attachments/errors';
import { maxPartSizeOf, newStoreRef, readBoundedPart, type AttachmentStore } from './store';

export interface PubNubFilesStoreOptions {
  /** An SDK instance whose token grants what each operation needs (`write` to upload, `read` to download and list, `delete`). */
  readonly pubnub: PubNub;
  /** The channel of two-field references, and where parts are uploaded without `uploads`. */
  readonly channel: string;
  /** Per-uploader channels: parts are uploaded to `channelOf(tag)` and named `<tag>.<id>.<name>`. */
  readonly uploads?: { readonly tag: string; readonly channelOf: (tag: string) => string };
  /** At most PubNub's 5 MB file cap; default the format's part size (§20.7). */
  readonly maxPartSize?: number;
}

/** Where a reference's file is: the channel's tag (undefined: the store's `channel`), PubNub's file id and name. */
export interface PubNubFileRef {
  readonly tag: string | undefined;
  readonly id: string;
  readonly name: string;
}

/** PubNub's cap on one file (bytes). */
export const PUBNUB_FILE_LIMIT = 5 * 1024 * 1024;

const REF = /^(?:([A-Za-z0-9_-]{20})\.)?([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/;
const LIST_PAGE = 100;
const PIECE = 256 * 1024;

/** The file a reference names; anything but `[<20 base64url>.]<id>.<43 base64url>` is `attachment_store_bad_ref`. */
export function parsePubNubFileRef(ref: string): PubNubFileRef {
  const match = typeof ref === 'string' ? REF.exec(ref) : null;
  if (match === null) throw new AttachmentStoreError('attachment_store_bad_ref', 'not a PubNub Files attachment reference');
  return { tag: match[1], id: match[2]!, name: match[3]! };
}

export class PubNubFilesStore implements AttachmentStore {
  readonly kind = 'pubnub' as const;
  readonly maxPartSize: number;
  private readonly pubnub: PubNub;
  readonly channel: string;
  private readonly uploads: PubNubFilesStoreOptions['uploads'];

  constructor(opts: PubNubFilesStoreOptions) {
    if (opts.channel.trim() === '') throw new RangeError('the PubNub Files store needs a channel');
    if (opts.uploads !== undefined && !/^[A-Za-z0-9_-]{20}$/.test(opts.uploads.tag)) throw new RangeError('an uploader tag is 20 base64url characters');
    this.pubnub = opts.pubnub;
    this.channel = opts.channel;
    this.uploads = opts.uploads;
    this.maxPartSize = maxPartSizeOf(opts.maxPartSize);
    if (this.maxPartSize > PUBNUB_FILE_LIMIT) throw new RangeError(`PubNub Files takes at most ${PUBNUB_FILE_LIMIT} bytes per file`);
  }

  async put(part: AsyncIterable<Uint8Array>): Promise<string> {
    const body = await readBoundedPart(part, this.maxPartSize);
    const name = newStoreRef();
    const channel = this.uploadChannel;
    let sent: { id: string; name: string };
    try {
      sent = await this.pubnub.sendFile({
        channel,
        // An ArrayBuffer the SDK wraps as it is; a Buffer it would copy whole first.
        file: { data: exactArrayBuffer(body), name, mimeType: 'application/octet-stream' },
        storeInHistory: false,
      });
    } catch (err) {
      await this.removeOrphan(channel, err);
      throw pubnubError(err);
    }
    if (sent.name !== name || !/^[A-Za-z0-9-]{1,64}$/.test(sent.id)) {
      throw new AttachmentStoreError('attachment_store_unavailable', 'PubNub Files answered an upload with an unexpected file id or name');
    }
    return this.uploads === undefined ? `${sent.id}.${sent.name}` : `${this.uploads.tag}.${sent.id}.${sent.name}`;
  }

  /** Where `put` uploads: the uploader's own files channel, or the store's channel. */
  get uploadChannel(): string {
    return this.uploads === undefined ? this.channel : this.uploads.channelOf(this.uploads.tag);
  }

  /** The channel a reference's file is on, and the file. */
  locate(ref: string): { channel: string; id: string; name: string } {
    const { tag, id, name } = parsePubNubFileRef(ref);
    if (tag === undefined) return { channel: this.channel, id, name };
    if (this.uploads === undefined) throw new AttachmentStoreError('attachment_store_bad_ref', 'this PubNub Files store has no per-uploader channels');
    return { channel: this.uploads.channelOf(tag), id, name };
  }

  async *get(ref: string): AsyncGenerator<Uint8Array> {
    const file = this.locate(ref);
    const downloaded = await this.call(() => this.pubnub.downloadFile(file));
    // The SDK's Buffer as it is (`toArrayBuffer` would copy the part once more).
    const bytes: Uint8Array = await this.call(() => downloaded.toBuffer());
    if (bytes.length > this.maxPartSize)
      throw new AttachmentStoreError('attachment_store_part_too_large', `the object is larger than the store's ${this.maxPartSize} bytes`);
    for (let at = 0; at < bytes.length; at += PIECE) yield bytes.subarray(at, at + PIECE);
  }

  /**
   * Deletes the file on its channel. Only its uploader's token grants `delete` there: anyone else is refused
   * with `attachment_store_access_denied` and the file stays. A part on the conversation channel (a
   * two-field reference in a per-uploader store) is left without a request: no member may delete there.
   */
  async delete(ref: string): Promise<void> {
    const file = this.locate(ref);
    if (this.uploads !== undefined && file.channel === this.channel) return;
    try {
      await this.call(() => this.pubnub.deleteFile(file));
    } catch (err) {
      if (err instanceof AttachmentStoreError && err.code === 'attachment_store_not_found') return;
      throw err;
    }
  }

  async exists(ref: string): Promise<boolean> {
    const { channel, id, name } = this.locate(ref);
    let next: string | undefined;
    do {
      const page = await this.call(() => this.pubnub.listFiles({ channel, limit: LIST_PAGE, ...(next !== undefined ? { next } : {}) }));
      if (page.data.some((f) => f.id === id && f.name === name)) return true;
      next = page.data.length > 0 && typeof page.next === 'string' && page.next !== '' ? page.next : undefined;
    } while (next !== undefined);
    return false;
  }

  /** An upload whose file message failed leaves a file PubNub names in the error: remove it (best effort). */
  private async removeOrphan(channel: string, err: unknown): Promise<void> {
    const status = (err as { status?: { id?: unknown; name?: unknown } } | null)?.status;
    if (typeof status?.id !== 'string' || typeof status.name !== 'string') return;
    await this.pubnub.deleteFile({ channel, id: status.id, name: status.name }).catch(() => undefined);
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw pubnubError(err);
    }
  }
}

/** An SDK failure as a store error, by the relay's or PubNub's status and code (no token or URL in a message). */
export function pubnubError(err: unknown): AttachmentStoreError {
  if (err instanceof AttachmentStoreError) return err;
  const status = (err as { status?: { statusCode?: unknown; category?: unknown; errorData?: unknown } } | null)?.status;
  const code = typeof status?.statusCode === 'number' ? status.statusCode : 0;
  const data = status?.errorData as { code?: unknown; message?: unknown } | undefined;
  const relayCode = typeof data?.code === 'string' ? data.code : '';
  const message = typeof data?.message === 'string' ? data.message : typeof status?.errorData === 'string' ? status.errorData : '';
  if (code === 400 && (relayCode === 'invalid_key' || /invalid (subscribe|publish) key/i.test(message)))
    return new AttachmentStoreError('attachment_store_bucket_missing', 'PubNub does not know this keyset (or its Files are not enabled)');
  if (relayCode === 'file_url_invalid' || relayCode === 'file_url_expired')
    return new AttachmentStoreError('attachment_store_unavailable', 'PubNub Files refused its own upload or download URL; try again');
  if (code === 403 || status?.category === 'PNAccessDeniedCategory')
    return new AttachmentStoreError(
      'attachment_store_access_denied',
      'PubNub refused the token for this files channel (reading needs read, uploading write, deleting delete: only the uploader may delete)',
    );
  if (code === 404) return new AttachmentStoreError('attachment_store_not_found', 'no attachment object under this reference');
  if (relayCode === 'files_full') return new AttachmentStoreError('attachment_store_quota_exceeded', 'PubNub Files storage for this channel or keyset is full');
  if (code === 413 || relayCode === 'body_too_large' || /EntityTooLarge/.test(message))
    return new AttachmentStoreError('attachment_store_part_too_large', 'PubNub Files refused a part over its file size limit');
  return new AttachmentStoreError('attachment_store_unavailable', `PubNub Files did not answer usably${code > 0 ? ` (HTTP ${code})` : ''}`);
}

/** The bytes as an ArrayBuffer of exactly their length: the Buffer's own when it spans all of it (a part always does). */
function exactArrayBuffer(bytes: Buffer): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
}
