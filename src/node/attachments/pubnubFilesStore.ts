/**
 * Attachment parts as PubNub Files through the `pubnub` SDK's file API (docs/protocol.md §20.10): `put` is
 * `sendFile` on the store's channel, `get` is `downloadFile`, `delete` is `deleteFile`, `exists` pages through
 * `listFiles`. Production talks to PubNub; the embedded stack and the tests talk to the local relay, which
 * implements the same endpoints (docs/relay.md "Files"). The SDK instance carries the client's Access Manager
 * token, which must grant `write` (upload), `read` (download, list) and `delete` on the channel.
 *
 * Each part is one file named by a fresh random reference (32 random bytes, base64url), holding the part's
 * ciphertext and nothing else; the file message `sendFile` publishes carries only PubNub's `{file: {id,
 * name}}` (no text, no meta) and is not stored in history. The descriptor — keys, hashes, the real file name —
 * travels only in the sealed conversation message. A store reference is `<file id>.<name>`: what download and
 * delete need, printable ASCII well under the descriptor's 256 characters.
 */
import type PubNub from 'pubnub';
import { AttachmentStoreError } from '../../common/attachments/errors';
import { maxPartSizeOf, newStoreRef, readBoundedPart, type AttachmentStore } from './store';

export interface PubNubFilesStoreOptions {
  /** An SDK instance whose token grants read, write and delete on `channel`. */
  readonly pubnub: PubNub;
  /** The channel the parts are uploaded to (a files channel of the conversation, e.g. `files.<conversation>`). */
  readonly channel: string;
  /** At most PubNub's 5 MB file cap; default the format's part size (§20.7). */
  readonly maxPartSize?: number;
}

/** PubNub's cap on one file (bytes). */
export const PUBNUB_FILE_LIMIT = 5 * 1024 * 1024;

const REF = /^([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/;
const LIST_PAGE = 100;
const PIECE = 256 * 1024;

/** The file a reference names; anything but `<id>.<43 base64url>` is `attachment_store_bad_ref`. */
export function parsePubNubFileRef(ref: string): { id: string; name: string } {
  const match = typeof ref === 'string' ? REF.exec(ref) : null;
  if (match === null) throw new AttachmentStoreError('attachment_store_bad_ref', 'not a PubNub Files attachment reference');
  return { id: match[1]!, name: match[2]! };
}

export class PubNubFilesStore implements AttachmentStore {
  readonly kind = 'pubnub' as const;
  readonly maxPartSize: number;
  private readonly pubnub: PubNub;
  readonly channel: string;

  constructor(opts: PubNubFilesStoreOptions) {
    if (opts.channel.trim() === '') throw new RangeError('the PubNub Files store needs a channel');
    this.pubnub = opts.pubnub;
    this.channel = opts.channel;
    this.maxPartSize = maxPartSizeOf(opts.maxPartSize);
    if (this.maxPartSize > PUBNUB_FILE_LIMIT) throw new RangeError(`PubNub Files takes at most ${PUBNUB_FILE_LIMIT} bytes per file`);
  }

  async put(part: AsyncIterable<Uint8Array>): Promise<string> {
    const body = await readBoundedPart(part, this.maxPartSize);
    const name = newStoreRef();
    let sent: { id: string; name: string };
    try {
      sent = await this.pubnub.sendFile({
        channel: this.channel,
        file: { data: body, name, mimeType: 'application/octet-stream' },
        storeInHistory: false,
      });
    } catch (err) {
      await this.removeOrphan(err);
      throw pubnubError(err);
    }
    if (sent.name !== name || !/^[A-Za-z0-9-]{1,64}$/.test(sent.id)) {
      throw new AttachmentStoreError('attachment_store_unavailable', 'PubNub Files answered an upload with an unexpected file id or name');
    }
    return `${sent.id}.${sent.name}`;
  }

  async *get(ref: string): AsyncGenerator<Uint8Array> {
    const file = parsePubNubFileRef(ref);
    const downloaded = await this.call(() => this.pubnub.downloadFile({ channel: this.channel, ...file }));
    const bytes = new Uint8Array(await this.call(() => downloaded.toArrayBuffer()));
    if (bytes.length > this.maxPartSize)
      throw new AttachmentStoreError('attachment_store_part_too_large', `the object is larger than the store's ${this.maxPartSize} bytes`);
    for (let at = 0; at < bytes.length; at += PIECE) yield bytes.subarray(at, at + PIECE);
  }

  async delete(ref: string): Promise<void> {
    const file = parsePubNubFileRef(ref);
    try {
      await this.call(() => this.pubnub.deleteFile({ channel: this.channel, ...file }));
    } catch (err) {
      if (err instanceof AttachmentStoreError && err.code === 'attachment_store_not_found') return;
      throw err;
    }
  }

  async exists(ref: string): Promise<boolean> {
    const { id, name } = parsePubNubFileRef(ref);
    let next: string | undefined;
    do {
      const page = await this.call(() => this.pubnub.listFiles({ channel: this.channel, limit: LIST_PAGE, ...(next !== undefined ? { next } : {}) }));
      if (page.data.some((f) => f.id === id && f.name === name)) return true;
      next = page.data.length > 0 && typeof page.next === 'string' && page.next !== '' ? page.next : undefined;
    } while (next !== undefined);
    return false;
  }

  /** An upload whose file message failed leaves a file PubNub names in the error: remove it (best effort). */
  private async removeOrphan(err: unknown): Promise<void> {
    const status = (err as { status?: { id?: unknown; name?: unknown } } | null)?.status;
    if (typeof status?.id !== 'string' || typeof status.name !== 'string') return;
    await this.pubnub.deleteFile({ channel: this.channel, id: status.id, name: status.name }).catch(() => undefined);
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
    return new AttachmentStoreError('attachment_store_access_denied', 'PubNub refused the token for this files channel (it must grant read, write and delete)');
  if (code === 404) return new AttachmentStoreError('attachment_store_not_found', 'no attachment object under this reference');
  if (relayCode === 'files_full') return new AttachmentStoreError('attachment_store_quota_exceeded', 'PubNub Files storage for this channel or keyset is full');
  if (code === 413 || relayCode === 'body_too_large' || /EntityTooLarge/.test(message))
    return new AttachmentStoreError('attachment_store_part_too_large', 'PubNub Files refused a part over its file size limit');
  return new AttachmentStoreError('attachment_store_unavailable', `PubNub Files did not answer usably${code > 0 ? ` (HTTP ${code})` : ''}`);
}
