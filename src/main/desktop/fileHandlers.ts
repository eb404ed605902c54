/**
 * The desktop's IPC handlers for files (docs/desktop.md "Files"). The page never hands main a path: `attachFile`
 * and `saveFileAs` ask the user in main's own dialogs (`FileDialogs`, native in the Electron build), and main
 * keeps what it opened under a transfer id for `cancelTransfer` and `retryTransfer`. Sends are checked against
 * the managed policy (`attachmentMaxSize`, `attachmentBlockedTypes`) before anything is read. Progress goes out
 * as `fileTransfer` events. The page gets decrypted bytes only for what it shows (a thumbnail), never a key.
 */
import { randomBytes } from 'node:crypto';
import type { Client, UploadSource } from '../../client';
import { attachmentSendLimits } from '../../common/attachments/sendPolicy';
import { AppError } from '../../common/errors';
import type { ConversationId, MessageId } from '../../common/ids';
import type { TransferState } from '../../common/ipc/schemas/files';
import type { Handlers } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';
import type { PolicyHolder } from '../services/policyHolder';
import type { ClientHost } from './clientHost';

type FileChannels = 'attachFile' | 'pasteFile' | 'cancelTransfer' | 'retryTransfer' | 'fileThumbnail' | 'saveFileAs' | 'forwardFile';

/** Main's own dialogs: the only way a path reaches main. */
export interface FileDialogs {
  /** The file the user chose to send, or null. */
  chooseFileToSend(): Promise<string | null>;
  /** Where the user chose to save `suggestedName`, or null. */
  chooseSavePath(suggestedName: string): Promise<string | null>;
}

/** Without dialogs (a build without a window): nothing is ever chosen. */
export const NO_FILE_DIALOGS: FileDialogs = { chooseFileToSend: async () => null, chooseSavePath: async () => null };

export interface FileHandlerDeps {
  readonly host: ClientHost;
  readonly events: EventSink;
  readonly policy: PolicyHolder;
  readonly dialogs: FileDialogs;
  /** The checks `sealMessage` applies (verified contacts, recovery key) before anything is sent. */
  readonly checkMaySend: (client: Client, conversationId: ConversationId) => Promise<void>;
}

interface Upload {
  readonly conversationId: ConversationId;
  readonly source: UploadSource;
  readonly caption: string | undefined;
  controller: AbortController;
  running: boolean;
}

/** The most uploads main keeps for retry; the oldest finished one is dropped beyond it. */
const MAX_KEPT_TRANSFERS = 100;

export function fileHandlers(deps: FileHandlerDeps): Pick<Required<Handlers>, FileChannels> {
  const uploads = new Map<string, Upload>();
  const downloads = new Map<string, AbortController>();

  const emit = (state: TransferState): TransferState => {
    deps.events.emit('fileTransfer', state);
    return state;
  };

  const upload = async (transferId: string, u: Upload): Promise<TransferState> => {
    const fileName = 'path' in u.source ? (u.source.path.split(/[/\\]/).pop() ?? 'file') : u.source.fileName;
    const base = { transferId, conversationId: u.conversationId, direction: 'upload' as const, fileName };
    u.controller = new AbortController();
    u.running = true;
    let progress = { done: 0, total: 0 };
    try {
      const client = await deps.host.current();
      await deps.checkMaySend(client, u.conversationId);
      await client.ensureAccess([u.conversationId]);
      emit({ ...base, state: 'running', ...progress });
      const sent = await client.attachments().send(u.conversationId, u.source, {
        limits: attachmentSendLimits(deps.policy.current().values),
        ...(u.caption === undefined ? {} : { caption: u.caption }),
        signal: u.controller.signal,
        onProgress: (done, total) => {
          progress = { done, total };
          emit({ ...base, state: 'running', done, total });
        },
      });
      if (sent.state !== 'sent')
        return emit({ ...base, state: 'failed', ...progress, code: sent.code, message: 'The file was stored but its message could not be sent. Try again.' });
      return emit({ ...base, state: 'done', done: sent.descriptor.size, total: sent.descriptor.size, messageId: sent.id });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'attachment_send_failed';
      if (code === 'attachment_cancelled') return emit({ ...base, state: 'cancelled', ...progress });
      return emit({ ...base, state: 'failed', ...progress, code, message: sentence(err) });
    } finally {
      u.running = false;
    }
  };

  const start = (conversationId: ConversationId, source: UploadSource, caption: string | undefined): Promise<TransferState> => {
    const transferId = randomBytes(16).toString('base64url');
    const u: Upload = { conversationId, source, caption, controller: new AbortController(), running: false };
    uploads.set(transferId, u);
    for (const [id, old] of uploads) if (uploads.size > MAX_KEPT_TRANSFERS && !old.running) uploads.delete(id);
    return upload(transferId, u);
  };

  return {
    async attachFile(conversationId, caption) {
      const path = await deps.dialogs.chooseFileToSend();
      if (path === null) return null;
      return start(conversationId, { path }, caption);
    },
    async pasteFile(conversationId, file, caption) {
      const bytes = new Uint8Array(Buffer.from(file.base64, 'base64'));
      return start(conversationId, { bytes, fileName: file.fileName }, caption);
    },
    async cancelTransfer(transferId) {
      const controller = uploads.get(transferId)?.controller ?? downloads.get(transferId);
      if (controller === undefined) throw new AppError('transfer_unknown', 'There is no such file transfer.', 'not_found');
      controller.abort();
      return null;
    },
    async retryTransfer(transferId) {
      const u = uploads.get(transferId);
      if (u === undefined) throw new AppError('transfer_unknown', 'There is no such file transfer.', 'not_found');
      if (u.running) throw new AppError('transfer_running', 'This file is still being sent.', 'conflict');
      return upload(transferId, u);
    },
    async fileThumbnail(conversationId, messageId) {
      const client = await deps.host.current();
      const t = await client.attachments().thumbnail(conversationId, messageId as MessageId);
      if (t === null) return null;
      return { mediaType: t.mediaType as 'image/jpeg', width: t.width, height: t.height, base64: Buffer.from(t.bytes).toString('base64') };
    },
    async forwardFile(from, messageId, to, caption) {
      const client = await deps.host.current();
      await deps.checkMaySend(client, to);
      await client.ensureAccess([to]);
      const sent = await client.attachments().forward(from, messageId as MessageId, to, caption);
      if (sent.state !== 'sent') throw new AppError(sent.code, 'The file could not be forwarded. Try again.', 'transport');
      return { messageId: sent.id, timetoken: sent.timetoken };
    },
    async saveFileAs(conversationId, messageId) {
      const client = await deps.host.current();
      const files = client.attachments();
      const descriptor = await files.descriptorOf(conversationId, messageId as MessageId);
      const path = await deps.dialogs.chooseSavePath(descriptor.fileName);
      if (path === null) return null;
      const transferId = randomBytes(16).toString('base64url');
      const controller = new AbortController();
      downloads.set(transferId, controller);
      const base = { transferId, conversationId, direction: 'download' as const, fileName: descriptor.fileName, total: descriptor.size };
      let done = 0;
      try {
        emit({ ...base, state: 'running', done });
        await files.fetch(conversationId, messageId as MessageId, path, {
          signal: controller.signal,
          onProgress: (n) => {
            done = n;
            emit({ ...base, state: 'running', done });
          },
        });
        return emit({ ...base, state: 'done', done: descriptor.size });
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'attachment_fetch_failed';
        if (code === 'attachment_cancelled') return emit({ ...base, state: 'cancelled', done });
        return emit({ ...base, state: 'failed', done, code, message: sentence(err) });
      } finally {
        downloads.delete(transferId);
      }
    },
  };
}

/** A sentence for the person: the policy's own, or a plain one by the code's family (the code is logged). */
function sentence(err: unknown): string {
  const code = err instanceof AppError ? err.code : '';
  if (code.startsWith('attachment_policy_') && err instanceof Error) return err.message;
  if (code.startsWith('attachment_store_')) return 'The file store could not be reached. Try again later.';
  if (code === 'attachment_store_unconfigured' || code === 'thumbnail_too_many_pixels') return (err as Error).message;
  if (code.startsWith('attachment_')) return 'This file failed its integrity check and was not saved. Ask the sender to send it again.';
  if (code === 'ENOENT' || (err as { code?: unknown } | null)?.code === 'ENOENT') return 'The file could not be found.';
  return 'The file could not be transferred. Try again.';
}
