/**
 * The desktop's IPC handlers for files (docs/desktop.md "Files"). The page never hands main a path: `attachFile`
 * and `saveFileAs` ask the user in main's own dialogs (`FileDialogs`, native in the Electron build), and main
 * keeps what it opened under a transfer id for `cancelTransfer` and `retryTransfer`. Sends are checked against
 * the managed policy (`attachmentMaxSize`, `attachmentBlockedTypes`) before anything is read. Progress goes out
 * as `fileTransfer` events. The page gets decrypted bytes only for what it shows (a thumbnail), never a key.
 *
 * Bytes the page already holds (a file picked in the browser, dropped or pasted) come in order in bounded
 * pieces (`beginFileUpload`, `fileUploadChunk`, `finishFileUpload`) into a file main makes in its own
 * temporary folder (owner-only) — the page still never names a path. In browser mode "save" is
 * `beginFileDownload`: the verified plaintext goes to main's temporary folder, and only then may the page
 * read it back in pieces (`fileDownloadChunk`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, UploadSource } from '../../client';
import { mediaTypeOfName } from '../../common/attachments/mediaTypeOf';
import { attachmentSendLimits, checkAttachmentAllowed } from '../../common/attachments/sendPolicy';
import { MAX_ATTACHMENT_SIZE } from '../../common/attachments/format';
import { AppError } from '../../common/errors';
import type { ConversationId, MessageId } from '../../common/ids';
import { MAX_FILE_CHUNK, type TransferState } from '../../common/ipc/schemas/files';
import type { Handlers } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';
import type { PolicyHolder } from '../services/policyHolder';
import type { ClientHost } from './clientHost';

type FileChannels =
  | 'attachFile'
  | 'pasteFile'
  | 'cancelTransfer'
  | 'retryTransfer'
  | 'fileThumbnail'
  | 'saveFileAs'
  | 'forwardFile'
  | 'beginFileUpload'
  | 'fileUploadChunk'
  | 'finishFileUpload'
  | 'beginFileDownload'
  | 'fileDownloadChunk';

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
  /**
   * Main's own folder for the page's uploads and verified downloads: `<profile>/transfers` (owner-only;
   * what a crash left there is deleted on first use). Absent (a build without a profile): a fresh
   * `seed-files-*` folder in the OS's temporary folder.
   */
  readonly transfersDir?: string;
}

interface Upload {
  readonly conversationId: ConversationId;
  readonly source: UploadSource;
  readonly caption: string | undefined;
  controller: AbortController;
  running: boolean;
  /** A file main wrote from the page's pieces: deleted once sent, or when the upload is dropped. */
  readonly temporary?: string;
}

/** An upload whose bytes the page is still sending (`beginFileUpload` … `finishFileUpload`). */
interface OpenUpload {
  readonly conversationId: ConversationId;
  readonly fileName: string;
  readonly size: number;
  readonly caption: string | undefined;
  readonly path: string;
  readonly handle: FileHandle;
  received: number;
  /** The piece being written (pieces are taken one at a time). */
  busy: boolean;
  /** When the page last handed a piece (an upload left idle, e.g. by a reloaded page, can be pushed out). */
  touched: number;
}

/** A verified download waiting for the page to read it (browser mode's "save"). */
interface Prepared {
  readonly path: string;
  readonly size: number;
}

/** The most uploads main keeps for retry; the oldest finished one is dropped beyond it. */
const MAX_KEPT_TRANSFERS = 100;
/** The most uploads the page may have open at once (their bytes still arriving). */
export const MAX_OPEN_UPLOADS = 4;
/** An open upload idle this long is dropped when a new one needs its place. */
const OPEN_UPLOAD_IDLE_MS = 120_000;
/** The most verified downloads kept for the page to read; the oldest is deleted beyond it. */
export const MAX_PREPARED_DOWNLOADS = 4;

/** A bad request of the chunked upload or download; `message` is a sentence, `code` goes to the log. */
export class FileTransferError extends AppError {
  constructor(
    code:
      'transfer_unknown' | 'transfer_running' | 'upload_too_many' | 'upload_out_of_order' | 'upload_too_large' | 'upload_incomplete' | 'download_out_of_range',
    message: string,
  ) {
    super(
      code,
      message,
      code === 'transfer_unknown'
        ? 'not_found'
        : code === 'transfer_running' || code === 'upload_too_many' || code === 'upload_out_of_order'
          ? 'conflict'
          : 'validation',
    );
    this.name = 'FileTransferError';
  }
}

const unknownTransfer = () => new FileTransferError('transfer_unknown', 'There is no such file transfer.');

export function fileHandlers(deps: FileHandlerDeps): Pick<Required<Handlers>, FileChannels> {
  const uploads = new Map<string, Upload>();
  const downloads = new Map<string, AbortController>();
  const opened = new Map<string, OpenUpload>();
  const prepared = new Map<string, Prepared>();
  let folder: Promise<string> | undefined;
  /** Main's own temporary folder for files (owner-only), made on first use. */
  const temporaryFolder = (): Promise<string> => (folder ??= transfersFolder(deps.transfersDir));
  const newId = () => randomBytes(16).toString('base64url');
  const drop = (path: string | undefined) => (path === undefined ? Promise.resolve() : rm(path, { force: true }).catch(() => undefined));

  const emit = (state: TransferState): TransferState => {
    deps.events.emit('fileTransfer', state);
    return state;
  };

  const upload = async (transferId: string, u: Upload): Promise<TransferState> => {
    const fileName = u.source.fileName ?? ('path' in u.source ? (u.source.path.split(/[/\\]/).pop() ?? 'file') : 'file');
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
      if (u.temporary !== undefined) {
        // Sent: the copy main wrote is not needed for a retry any more.
        uploads.delete(transferId);
        await drop(u.temporary);
      }
      return emit({ ...base, state: 'done', done: sent.descriptor.size, total: sent.descriptor.size, messageId: sent.id });
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'attachment_send_failed';
      if (code === 'attachment_cancelled') return emit({ ...base, state: 'cancelled', ...progress });
      return emit({ ...base, state: 'failed', ...progress, code, message: sentence(err) });
    } finally {
      u.running = false;
    }
  };

  const start = (
    conversationId: ConversationId,
    source: UploadSource,
    caption: string | undefined,
    transferId = newId(),
    temporary?: string,
  ): Promise<TransferState> => {
    const u: Upload = { conversationId, source, caption, controller: new AbortController(), running: false, ...(temporary === undefined ? {} : { temporary }) };
    uploads.set(transferId, u);
    for (const [id, old] of uploads)
      if (uploads.size > MAX_KEPT_TRANSFERS && !old.running) {
        uploads.delete(id);
        void drop(old.temporary);
      }
    return upload(transferId, u);
  };

  /** Fetches, verifies and decrypts a message's file to `path` (written only once it verified), with progress events. */
  const download = async (
    client: Client,
    conversationId: ConversationId,
    messageId: MessageId,
    descriptor: { readonly fileName: string; readonly size: number },
    path: string,
    transferId: string,
  ): Promise<TransferState> => {
    const controller = new AbortController();
    downloads.set(transferId, controller);
    const base = { transferId, conversationId, messageId, direction: 'download' as const, fileName: descriptor.fileName, total: descriptor.size };
    let done = 0;
    try {
      emit({ ...base, state: 'running', done });
      await client.attachments().fetch(conversationId, messageId, path, {
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
  };

  const closeOpen = async (transferId: string, o: OpenUpload): Promise<void> => {
    opened.delete(transferId);
    await o.handle.close().catch(() => undefined);
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
    async beginFileUpload(conversationId, file, caption) {
      // The policy first, before a byte is taken (the window checks too, but main decides).
      const limits = attachmentSendLimits(deps.policy.current().values);
      checkAttachmentAllowed(limits, { size: file.size, mediaType: mediaTypeOfName(file.fileName) });
      if (file.size > MAX_ATTACHMENT_SIZE) throw new FileTransferError('upload_too_large', 'This file is too large to send.');
      for (const [id, o] of opened)
        if (opened.size >= MAX_OPEN_UPLOADS && !o.busy && Date.now() - o.touched > OPEN_UPLOAD_IDLE_MS) {
          await closeOpen(id, o);
          await drop(o.path);
        }
      if (opened.size >= MAX_OPEN_UPLOADS)
        throw new FileTransferError('upload_too_many', `At most ${MAX_OPEN_UPLOADS} files can be handed over at once. Wait for one to finish and try again.`);
      const transferId = newId();
      const path = join(await temporaryFolder(), `${transferId}.upload`);
      const handle = await open(path, 'wx', 0o600);
      opened.set(transferId, {
        conversationId,
        fileName: file.fileName,
        size: file.size,
        caption,
        path,
        handle,
        received: 0,
        busy: false,
        touched: Date.now(),
      });
      return { transferId };
    },
    async fileUploadChunk(transferId, offset, base64) {
      const o = opened.get(transferId);
      if (o === undefined) throw unknownTransfer();
      if (o.busy || offset !== o.received)
        throw new FileTransferError('upload_out_of_order', `This piece of the file came out of order (main holds ${o.received} bytes).`);
      const bytes = Buffer.from(base64, 'base64');
      if (bytes.length === 0 || o.received + bytes.length > o.size) {
        await closeOpen(transferId, o);
        await drop(o.path);
        throw new FileTransferError('upload_too_large', 'More bytes arrived than the file was said to hold, so it was not sent.');
      }
      o.busy = true;
      try {
        await o.handle.write(bytes, 0, bytes.length, o.received);
        o.received += bytes.length;
        o.touched = Date.now();
      } finally {
        o.busy = false;
      }
      return { received: o.received };
    },
    async finishFileUpload(transferId) {
      const o = opened.get(transferId);
      if (o === undefined) throw unknownTransfer();
      if (o.busy || o.received !== o.size)
        throw new FileTransferError('upload_incomplete', `Only ${o.received} of the file's ${o.size} bytes arrived, so it was not sent.`);
      await closeOpen(transferId, o);
      return start(o.conversationId, { path: o.path, fileName: o.fileName }, o.caption, transferId, o.path);
    },
    async cancelTransfer(transferId) {
      const o = opened.get(transferId);
      if (o !== undefined) {
        await closeOpen(transferId, o);
        await drop(o.path);
        return null;
      }
      const ready = prepared.get(transferId);
      if (ready !== undefined) {
        prepared.delete(transferId);
        await drop(ready.path);
        return null;
      }
      const controller = uploads.get(transferId)?.controller ?? downloads.get(transferId);
      if (controller === undefined) throw unknownTransfer();
      controller.abort();
      return null;
    },
    async retryTransfer(transferId) {
      const u = uploads.get(transferId);
      if (u === undefined) throw unknownTransfer();
      if (u.running) throw new FileTransferError('transfer_running', 'This file is still being sent.');
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
      const descriptor = await client.attachments().descriptorOf(conversationId, messageId as MessageId);
      const path = await deps.dialogs.chooseSavePath(descriptor.fileName);
      if (path === null) return null;
      return download(client, conversationId, messageId as MessageId, descriptor, path, newId());
    },
    async beginFileDownload(conversationId, messageId) {
      const client = await deps.host.current();
      const descriptor = await client.attachments().descriptorOf(conversationId, messageId as MessageId);
      const transferId = newId();
      const path = join(await temporaryFolder(), `${transferId}.download`);
      const state = await download(client, conversationId, messageId as MessageId, descriptor, path, transferId);
      if (state.state !== 'done') return state;
      prepared.set(transferId, { path, size: descriptor.size });
      for (const [id, old] of prepared)
        if (prepared.size > MAX_PREPARED_DOWNLOADS) {
          prepared.delete(id);
          await drop(old.path);
        }
      return state;
    },
    async fileDownloadChunk(transferId, offset) {
      const ready = prepared.get(transferId);
      if (ready === undefined) throw unknownTransfer();
      if (offset > ready.size) throw new FileTransferError('download_out_of_range', `The file holds only ${ready.size} bytes.`);
      const length = Math.min(MAX_FILE_CHUNK, ready.size - offset);
      const bytes = Buffer.alloc(length);
      const handle = await open(ready.path, 'r');
      try {
        let at = 0;
        while (at < length) {
          const { bytesRead } = await handle.read(bytes, at, length - at, offset + at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
      } finally {
        await handle.close();
      }
      const end = offset + length >= ready.size;
      if (end) {
        // Read to its end: main's copy goes.
        prepared.delete(transferId);
        await drop(ready.path);
      }
      return { base64: bytes.toString('base64'), end };
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

/** The transfers folder, made owner-only; in the profile, emptied of what an earlier run (a crash) left. */
async function transfersFolder(dir: string | undefined): Promise<string> {
  if (dir === undefined) return mkdtemp(join(tmpdir(), 'seed-files-'));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}
