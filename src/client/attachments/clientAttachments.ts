/**
 * Files in conversations for the signed-in client (docs/client.md "Files"): send (policy check, streamed
 * encryption, upload, then an `attachment` message, docs/protocol.md §7.9), forward (a new message with the
 * same descriptor: no upload), fetch to a file or a thumbnail into memory (verified before anything is
 * offered), and the clean-up when a message goes (releaseAttachments.ts). Descriptors are found in the local
 * store when there is one, else in the conversation's timeline (the CLI keeps no store).
 */
import type { AttachmentDescriptor } from '../../common/attachments/descriptor';
import type { AttachmentSendLimits } from '../../common/attachments/sendPolicy';
import { AppError } from '../../common/errors';
import type { ConversationId, DeviceId, MessageId } from '../../common/ids';
import type { Messaging } from '../../common/messaging/messaging';
import type { SendOutcome } from '../../common/messaging/send';
import type { AttachmentMessage } from '../../common/protocol/attachmentMessage';
import type { CryptoProvider } from '../../common/crypto/provider';
import { makeThumbnail, ThumbnailError, thumbnailOfFile } from '../../node/attachments/thumbnail';
import { mediaTypeOfName } from '../../common/attachments/mediaTypeOf';
import { basename } from 'node:path';
import type { LocalHistory } from '../store/localHistory';
import type { ReleasedAttachment } from '../store/attachmentStore';
import { copyAttachment, type ConversationStores } from './conversationStores';
import { downloadFile, readThumbnail } from './downloadFile';
import { releaseAttachments } from './releaseAttachments';
import type { Thumbnail } from './thumbnailInput';
import { uploadFile, type TransferOptions, type UploadSource } from './uploadFile';

export interface ClientAttachmentsDeps {
  readonly provider: CryptoProvider;
  /** Where each conversation's ciphertext parts go (conversationStores.ts); without a store, `attachment_store_unconfigured`. */
  readonly stores: ConversationStores;
  readonly history: LocalHistory | undefined;
  readonly messaging: () => Promise<Messaging>;
  readonly self: () => DeviceId;
  /** Clean-up failures (a local copy or an object that could not be deleted): reported, never thrown. */
  readonly onCleanupFailure?: (error: unknown) => void;
}

export interface SendFileOptions extends TransferOptions {
  readonly limits: AttachmentSendLimits;
  readonly caption?: string;
  readonly thumbnail?: Thumbnail;
}

/**
 * A JPEG or PNG's thumbnail, made before encryption (src/node/attachments/thumbnail.ts); none for other
 * types, an image that does not decode, or a decompression bomb (refused from its header).
 */
async function previewOf(source: UploadSource): Promise<Thumbnail | null> {
  const name = 'path' in source ? (source.fileName ?? basename(source.path)) : source.fileName;
  const mediaType = mediaTypeOfName(name);
  try {
    return 'path' in source ? await thumbnailOfFile(source.path, mediaType) : await makeThumbnail(source.bytes, mediaType);
  } catch (err) {
    if (err instanceof ThumbnailError) return null;
    throw err;
  }
}

export class ClientAttachments {
  private readonly stopRelease: () => void;

  constructor(private readonly deps: ClientAttachmentsDeps) {
    this.stopRelease =
      deps.history?.onAttachmentsReleased((released) => {
        void this.release(released).then((failures) => failures.forEach((f) => deps.onCleanupFailure?.(f)));
      }) ?? (() => undefined);
  }

  /** Local copies always; the store's objects when this store lets a device delete its own (conversationStores.ts). */
  private async release(released: readonly ReleasedAttachment[]): Promise<unknown[]> {
    const failures: unknown[] = [];
    const byConversation = new Map<ConversationId, ReleasedAttachment[]>();
    for (const a of released) byConversation.set(a.conversationId, [...(byConversation.get(a.conversationId) ?? []), a]);
    for (const [conversationId, group] of byConversation) {
      const store = this.deps.stores.deletesOwnObjects ? await this.deps.stores.of(conversationId).catch(() => undefined) : undefined;
      failures.push(...(await releaseAttachments(group, this.deps.self(), store)).failures);
    }
    return failures;
  }

  /** Encrypts and uploads a file, then sends it as an `attachment` message; answers the send and the descriptor. */
  async send(conversationId: ConversationId, source: UploadSource, options: SendFileOptions): Promise<SendOutcome & { descriptor: AttachmentDescriptor }> {
    const store = await this.deps.stores.of(conversationId);
    const thumbnail = options.thumbnail ?? (await previewOf(source));
    const descriptor = await uploadFile({ provider: this.deps.provider, store }, options.limits, source, {
      ...options,
      ...(thumbnail === null ? {} : { thumbnail }),
    });
    const message: AttachmentMessage = options.caption === undefined ? { descriptor } : { descriptor, caption: options.caption };
    const outcome = await (await this.deps.messaging()).sendAttachment(conversationId, message);
    return { ...outcome, descriptor };
  }

  /**
   * Forwards a file: a new `attachment` message with the same file. A shared store's objects are re-used (no
   * upload); with a store per conversation (PubNub Files) the parts are copied to the target's, verified.
   */
  async forward(from: ConversationId, messageId: MessageId, to: ConversationId, caption?: string): Promise<SendOutcome> {
    const original = await this.descriptorOf(from, messageId);
    const { stores } = this.deps;
    const descriptor = stores.shared || from === to ? original : await copyAttachment(await stores.of(from), await stores.of(to), original);
    return (await this.deps.messaging()).sendAttachment(to, caption === undefined ? { descriptor } : { descriptor, caption });
  }

  /** Fetches, verifies and decrypts a message's file to `outPath`; the copy is deleted with the message. */
  async fetch(
    conversationId: ConversationId,
    messageId: MessageId,
    outPath: string,
    options: TransferOptions = {},
  ): Promise<{ size: number; descriptor: AttachmentDescriptor }> {
    const descriptor = await this.descriptorOf(conversationId, messageId);
    const size = await downloadFile({ provider: this.deps.provider, store: await this.deps.stores.of(conversationId) }, descriptor, outPath, options);
    await this.deps.history?.addLocalCopy(conversationId, messageId, outPath);
    return { size, descriptor };
  }

  /** The verified thumbnail of a message's file, or null when it has none. */
  async thumbnail(
    conversationId: ConversationId,
    messageId: MessageId,
  ): Promise<{ bytes: Uint8Array; mediaType: string; width: number; height: number } | null> {
    const descriptor = await this.descriptorOf(conversationId, messageId);
    const t = descriptor.thumbnail;
    if (t === undefined) return null;
    const store = await this.deps.stores.of(conversationId);
    return { bytes: await readThumbnail({ provider: this.deps.provider, store }, t), mediaType: t.mediaType, width: t.width, height: t.height };
  }

  /** The descriptor of a file message this device opened (local store first, then the live timeline). */
  async descriptorOf(conversationId: ConversationId, messageId: MessageId): Promise<AttachmentDescriptor> {
    const kept = await this.deps.history?.attachment(conversationId, messageId);
    if (kept !== undefined) return kept.descriptor;
    const messaging = await this.deps.messaging();
    const item = messaging.view(conversationId).items.find((i) => i.kind === 'message' && i.id === messageId);
    if (item?.kind === 'message' && item.attachment !== undefined) return item.attachment.descriptor;
    throw new AppError('attachment_unknown_message', `There is no file in message ${messageId} of this conversation.`, 'not_found');
  }

  dispose(): void {
    this.stopRelease();
  }
}
