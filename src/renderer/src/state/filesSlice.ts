/**
 * Files in the store (docs/desktop.md "Files"). Main does everything with a file; the page asks and shows:
 *
 * - **Send.** Bytes the page holds — a file picked with the browser's file input (browser mode), dropped on
 *   the conversation or pasted — are checked against the managed policy first (model/fileView.ts: refused
 *   with a sentence, nothing sent), then handed to main in order in pieces of at most 512 KiB
 *   (`beginFileUpload`, `fileUploadChunk`, `finishFileUpload`); main encrypts, uploads and sends them. In
 *   the Electron app the attach button asks main to show its own open dialog (`attachFile`). The page never
 *   names a path. Text typed in the composer goes with the (first) file as its caption — one message — and
 *   the composer empties once the file is on its way.
 * - **Progress.** main's `fileTransfer` events (and, while the page still hands bytes over, its own count)
 *   keep one entry per transfer; Cancel and Retry act on it.
 * - **Previews** are asked for (`fileThumbnail`) only when a card with a preview comes on screen.
 * - **Save.** In the Electron app main's save dialog (`saveFileAs`); in browser mode main fetches, verifies
 *   and decrypts the file first (`beginFileDownload`), and only then does the page read the verified bytes
 *   (`fileDownloadChunk`) and offer them as a download.
 * - **Forward** re-uses the stored file (`forwardFile`, no upload).
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { ConversationId, MessageId } from '../../../common/ids';
import { fromBase64, toBase64 } from '../../../common/encoding/base64';
import { MAX_FILE_CHUNK, type TransferState } from '../../../common/ipc/schemas/files';
import { fileRefusal, shownFileName } from '../model/fileView';
import { describeError, toUiError } from '../model/uiError';
import type { StoreEnv } from './env';
import type { SettingsSlice } from './settingsSlice';
import type { SystemSlice } from './systemSlice';

/** A transfer as the window shows it; `handing`: the page is still handing the bytes to main. */
export type TransferEntry = Omit<TransferState, 'transferId'> & { readonly transferId: string; readonly handing?: boolean };

/** What the page holds of a file it sends: enough to hand it over again after a cancel or a failure. */
export interface SendableFile {
  readonly name: string;
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface FilesSlice {
  files: {
    /** Every transfer of this window by id (uploads and downloads). */
    transfers: Record<string, TransferEntry>;
    /** Preview images by `conversationId:messageId`: a `data:` URL, or null when there is none. */
    thumbnails: Record<string, string | null>;
    /** Why the composer did not send a file (policy, or a failure before the upload started), by conversation. */
    notice: Record<string, string>;
  };
  /**
   * Sends files the page holds (picked, dropped, pasted) after the policy check. With a `caption` the first
   * file that passes goes with its text (one message) and `caption.taken` is called at once (the composer
   * empties); when no file passes, the text stays.
   */
  sendFiles(conversationId: ConversationId, files: readonly SendableFile[], caption?: FileCaption): Promise<void>;
  /** The Electron app's attach button: main's own open dialog; the caption is taken only when a file was chosen. */
  chooseFileToSend(conversationId: ConversationId, caption?: FileCaption): Promise<void>;
  cancelTransfer(transferId: string): Promise<void>;
  retryTransfer(transferId: string): Promise<void>;
  /** Takes a finished, failed or cancelled upload out of the composer's list. */
  dismissTransfer(transferId: string): void;
  dismissFileNotice(conversationId: ConversationId): void;
  applyTransfer(state: TransferState): void;
  loadThumbnail(conversationId: ConversationId, messageId: MessageId): Promise<void>;
  saveFile(conversationId: ConversationId, messageId: MessageId): Promise<void>;
  forwardFile(from: ConversationId, messageId: MessageId, to: ConversationId): Promise<boolean>;
}

/** The composer's text as a file's caption (model/fileView.ts `fileCaptionOf`), and how to empty the composer once it went. */
export interface FileCaption {
  readonly text: string;
  readonly taken: () => void;
}

export const thumbnailKey = (conversationId: string, messageId: string) => `${conversationId}:${messageId}`;

export const filesSelectors = {
  /** This conversation's uploads still to show above the composer (running, failed or cancelled), oldest first. */
  uploadsOf:
    (conversationId: string) =>
    (s: FilesSlice): TransferEntry[] =>
      Object.values(s.files.transfers).filter((t) => t.conversationId === conversationId && t.direction === 'upload' && t.state !== 'done'),
  /** The newest download of a message's file, if any. */
  downloadOf: (messageId: string) => (s: FilesSlice) => {
    let found: TransferEntry | undefined;
    for (const t of Object.values(s.files.transfers)) if (t.direction === 'download' && t.messageId === messageId) found = t;
    return found;
  },
  notice: (conversationId: string) => (s: FilesSlice) => s.files.notice[conversationId] ?? null,
};

/** A sentence for a failed file request: the policy's own words, else the app's sentence for the code. */
export function fileErrorSentence(e: unknown): string {
  const error = toUiError(e);
  if (error.code.startsWith('attachment_policy_')) return error.message;
  return describeError(error);
}

export function createFilesSlice(bridge: BridgeClient, env: StoreEnv): StateCreator<FilesSlice & SettingsSlice & SystemSlice, [], [], FilesSlice> {
  return (set, get) => {
    /** The files this page handed over, by transfer id (a retry hands them over again). */
    const held = new Map<string, { conversationId: ConversationId; file: SendableFile; caption: string | undefined }>();
    /** Hand-overs the person cancelled (the loop stops at its next piece). */
    const stopped = new Set<string>();
    const asked = new Set<string>();
    let local = 0;
    const patch = (files: Partial<FilesSlice['files']>) => set((s) => ({ files: { ...s.files, ...files } }));
    const put = (t: TransferEntry) => set((s) => ({ files: { ...s.files, transfers: { ...s.files.transfers, [t.transferId]: t } } }));
    const remove = (transferId: string) =>
      set((s) => {
        const { [transferId]: _gone, ...rest } = s.files.transfers;
        return { files: { ...s.files, transfers: rest } };
      });
    const notify = (conversationId: string, sentence: string) => patch({ notice: { ...get().files.notice, [conversationId]: sentence } });
    const electron = () => get().system.info?.runtime === 'electron';

    const handOver = async (conversationId: ConversationId, file: SendableFile, caption: string | undefined): Promise<void> => {
      let transferId: string;
      const fileName = file.name === '' ? 'pasted file' : file.name;
      try {
        ({ transferId } = await (caption === undefined
          ? bridge.beginFileUpload(conversationId, { fileName, size: file.size })
          : bridge.beginFileUpload(conversationId, { fileName, size: file.size }, caption)));
      } catch (e) {
        notify(conversationId, `“${shownFileName(fileName)}” was not sent. ${fileErrorSentence(e)}`);
        return;
      }
      held.set(transferId, { conversationId, file, caption });
      const base = { transferId, conversationId, direction: 'upload' as const, fileName, total: file.size };
      put({ ...base, state: 'running', done: 0, handing: true });
      try {
        let offset = 0;
        while (offset < file.size) {
          if (stopped.has(transferId)) return;
          const piece = new Uint8Array(await file.slice(offset, Math.min(offset + MAX_FILE_CHUNK, file.size)).arrayBuffer());
          if (piece.length === 0) throw new Error('The file became shorter while it was read. Try again.');
          ({ received: offset } = await bridge.fileUploadChunk(transferId, offset, toBase64(piece)));
          if (stopped.has(transferId)) return;
          put({ ...base, state: 'running', done: offset, handing: true });
        }
        if (stopped.has(transferId)) return;
        get().applyTransfer(await bridge.finishFileUpload(transferId));
      } catch (e) {
        if (stopped.has(transferId)) return;
        const current = get().files.transfers[transferId];
        put({ ...base, state: 'failed', done: current?.done ?? 0, message: fileErrorSentence(e), handing: true });
      }
    };

    return {
      files: { transfers: {}, thumbnails: {}, notice: {} },
      async sendFiles(conversationId, files, caption) {
        const policy = get().settings.policy?.values;
        const going: SendableFile[] = [];
        for (const file of files) {
          const refusal = fileRefusal(file, policy);
          if (refusal === null) going.push(file);
          else notify(conversationId, refusal);
        }
        if (going.length > 0 && going.length === files.length) get().dismissFileNotice(conversationId);
        if (going.length > 0) caption?.taken();
        await Promise.all(going.map((file, i) => handOver(conversationId, file, i === 0 ? caption?.text : undefined)));
      },
      async chooseFileToSend(conversationId, caption) {
        try {
          const state = await (caption === undefined ? bridge.attachFile(conversationId) : bridge.attachFile(conversationId, caption.text));
          if (state !== null) caption?.taken();
          if (state !== null) get().applyTransfer(state);
        } catch (e) {
          notify(conversationId, fileErrorSentence(e));
        }
      },
      async cancelTransfer(transferId) {
        const t = get().files.transfers[transferId];
        if (t === undefined) return;
        if (t.handing === true) {
          stopped.add(transferId);
          put({ ...t, state: 'cancelled' });
        }
        try {
          await bridge.cancelTransfer(transferId);
        } catch (e) {
          // Already over in main (or never opened there): nothing more to stop.
          if (toUiError(e).code !== 'transfer_unknown') notify(t.conversationId, fileErrorSentence(e));
        }
      },
      async retryTransfer(transferId) {
        const t = get().files.transfers[transferId];
        if (t === undefined) return;
        if (t.direction === 'download') {
          remove(transferId);
          if (t.messageId !== undefined) await get().saveFile(t.conversationId as ConversationId, t.messageId as MessageId);
          return;
        }
        const mine = held.get(transferId);
        if (t.handing === true && mine !== undefined) {
          // Main never had all of it: hand it over again.
          remove(transferId);
          held.delete(transferId);
          await handOver(mine.conversationId, mine.file, mine.caption);
          return;
        }
        try {
          put({ ...t, state: 'running', message: undefined });
          get().applyTransfer(await bridge.retryTransfer(transferId));
        } catch (e) {
          if (mine !== undefined && toUiError(e).code === 'transfer_unknown') {
            remove(transferId);
            held.delete(transferId);
            await handOver(mine.conversationId, mine.file, mine.caption);
            return;
          }
          put({ ...t, state: 'failed', message: fileErrorSentence(e) });
        }
      },
      dismissTransfer(transferId) {
        held.delete(transferId);
        stopped.delete(transferId);
        remove(transferId);
      },
      dismissFileNotice(conversationId) {
        const { [conversationId]: _gone, ...rest } = get().files.notice;
        patch({ notice: rest });
      },
      applyTransfer(state) {
        const before = get().files.transfers[state.transferId];
        // A hand-over the person cancelled stays cancelled whatever main still reports.
        if (stopped.has(state.transferId)) return;
        // Events come on their own stream: a late "running" never undoes an end already known, and while
        // the page reads a verified download back, main's part of it is over.
        if (before !== undefined && state.state === 'running' && before.state !== 'running') return;
        if (before?.handing === true && before.direction === 'download') return;
        if (state.direction === 'upload' && state.state === 'done') held.delete(state.transferId);
        // Main's first event may not know the size yet (total 0): the size the page knew stays.
        put({ ...before, ...state, ...(state.total === 0 && before !== undefined ? { total: before.total } : {}), handing: false });
      },
      async loadThumbnail(conversationId, messageId) {
        const key = thumbnailKey(conversationId, messageId);
        if (asked.has(key)) return;
        asked.add(key);
        let url: string | null = null;
        try {
          const t = await bridge.fileThumbnail(conversationId, messageId);
          if (t !== null) url = `data:${t.mediaType};base64,${t.base64}`;
        } catch {
          // No preview then: the card shows the file's icon (the reason is in main's log).
        }
        patch({ thumbnails: { ...get().files.thumbnails, [key]: url } });
      },
      async saveFile(conversationId, messageId) {
        const failed = (e: unknown) =>
          put({
            transferId: `local-${++local}`,
            conversationId,
            messageId,
            direction: 'download',
            fileName: '',
            state: 'failed',
            done: 0,
            total: 0,
            message: fileErrorSentence(e),
          });
        try {
          if (electron()) {
            const state = await bridge.saveFileAs(conversationId, messageId);
            if (state !== null) get().applyTransfer(state);
            return;
          }
          const offer = env.offerDownload;
          if (offer === undefined) throw new Error('Saving files is not available in this window.');
          const state = await bridge.beginFileDownload(conversationId, messageId);
          get().applyTransfer(state);
          if (state.state !== 'done') return;
          // Verified by main before this point: only now does the page read the bytes.
          const parts: Uint8Array[] = [];
          let offset = 0;
          const reading = { ...state, state: 'running' as const, handing: true };
          put({ ...reading, done: 0 });
          for (;;) {
            const piece = await bridge.fileDownloadChunk(state.transferId, offset);
            const bytes = fromBase64(piece.base64);
            parts.push(bytes);
            offset += bytes.length;
            if (piece.end) break;
            put({ ...reading, done: offset });
          }
          offer(state.fileName, parts);
          put({ ...state, done: offset, handing: false });
        } catch (e) {
          failed(e);
        }
      },
      async forwardFile(from, messageId, to) {
        try {
          await bridge.forwardFile(from, messageId, to);
          return true;
        } catch (e) {
          notify(from, fileErrorSentence(e));
          return false;
        }
      },
    };
  };
}
