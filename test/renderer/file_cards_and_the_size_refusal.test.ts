/**
 * Files in the window (docs/desktop.md "Files"): a file message reads as a card — icon by type, the name with
 * its bidirectional controls removed ("\u202Egnp.exe" cannot read "exe.png"), the size in people's units, the
 * type, the caption — with its preview only once loaded, a download's progress bar and Cancel while it runs,
 * its sentence and Retry after a failure; the composer has an accessible "Attach a file" button and says
 * why a file was refused. The files slice, over the real contract dispatcher with stand-in file handlers
 * in main (in memory; the real ones are test/main/files_the_page_holds_go_in_bounded_pieces.test.ts):
 * a file over the policy's size is refused with a sentence before main hears of it; a file is handed over in
 * order in pieces of at most 512 KiB; Cancel stops a hand-over; browser mode's save reads the bytes only
 * after main answered the verified download, and offers exactly them.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { MAX_FILE_CHUNK, type TransferState } from '../../src/common/ipc/schemas/files';
import type { TimelineItem } from '../../src/common/messaging/timelineItem';
import { POLICY_DEFAULTS } from '../../src/common/policy/values';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { Composer } from '../../src/renderer/src/components/Composer';
import { FileCard } from '../../src/renderer/src/components/FileCard';
import { FileContext, type FileScope } from '../../src/renderer/src/components/fileContext';
import { MessageRow } from '../../src/renderer/src/components/MessageRow';
import { fileKind, fileRefusal, fileViewOf, shownFileName, transferLine } from '../../src/renderer/src/model/fileView';
import { layoutTimeline } from '../../src/renderer/src/model/timelineLayout';
import { rowOf } from '../../src/renderer/src/model/timelineRows';
import type { TransferEntry } from '../../src/renderer/src/state/filesSlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const CONV = 'conv-files-0001' as ConversationId;
const MSG = 'msg-file-000000000001' as MessageId;
const BOB = 'user-bob-000000000001' as UserId;
const TRANSFER = 'T'.repeat(22);
const pdf = { fileName: 'Quarterly report.pdf', size: 20_000_000, mediaType: 'application/pdf', thumbnail: null, caption: 'Q4 numbers' };

function fileItem(body: unknown): TimelineItem {
  return {
    kind: 'message',
    key: 'k-file',
    timetoken: '17672256050001234',
    id: MSG,
    message: { id: MSG, sentAt: 1_767_225_605_000, type: 'json', body },
    senderUser: BOB,
    senderDevice: 'device-bob-00000001' as DeviceId,
    keyVersion: 1,
    delivery: undefined,
    reactions: [],
    readBy: [],
  } as unknown as TimelineItem;
}

function rowHtml(body: unknown, scope?: FileScope): string {
  const row = rowOf(fileItem(body), [{ userId: BOB, displayName: 'Bob' }], null);
  const [display] = layoutTimeline([row], 1_767_225_700_000).filter((r) => r.kind === 'message');
  const element = createElement(MessageRow, { row: display! } as Parameters<typeof MessageRow>[0]);
  return renderToStaticMarkup(scope === undefined ? element : createElement(FileContext.Provider, { value: scope }, element));
}

const download = (state: TransferState['state'], extra: Partial<TransferEntry> = {}): TransferEntry => ({
  transferId: TRANSFER,
  conversationId: CONV,
  messageId: MSG,
  direction: 'download',
  fileName: pdf.fileName,
  state,
  done: 5_000_000,
  total: 20_000_000,
  ...extra,
});

describe('file cards', () => {
  it('a file message is a card: icon by type, name, size in people’s units, type and caption — never JSON', () => {
    const html = rowHtml({ file: pdf });
    expect(html).toContain('data-testid="file-card"');
    expect(html).toContain('data-kind="pdf"');
    expect(html).toContain('Quarterly report.pdf');
    expect(html).toContain('20 MB · PDF document');
    expect(html).toContain('Q4 numbers');
    expect(html).not.toContain('data-testid="message-text"');
    expect(html).not.toContain('{&quot;file');
    expect(html).not.toContain('file-preview');
  });

  it('a right-to-left override cannot turn "gnp.exe" into "exe.png"', () => {
    const tricked = { ...pdf, fileName: 'invoice\u202Egnp.exe', mediaType: 'application/octet-stream' };
    const html = rowHtml({ file: tricked });
    expect(html).not.toContain('\u202E');
    expect(html).toContain('invoicegnp.exe');
    expect(shownFileName('\u2066\u200B\u2069')).toBe('file');
  });

  it('shows an image’s preview once loaded, with its text alternative; none before', () => {
    const png = { fileName: 'screenshot.png', size: 1_234_567, mediaType: 'image/png', thumbnail: { width: 320, height: 200, mediaType: 'image/jpeg' } };
    expect(rowHtml({ file: png }, { previews: {}, downloads: {}, onNeedPreview: () => {} })).not.toContain('<img');
    const html = rowHtml({ file: png }, { previews: { [MSG]: 'data:image/jpeg;base64,AAAA' }, downloads: {} });
    expect(html).toMatch(/<img[^>]*alt="Preview of screenshot.png"/);
    expect(html).toContain('1.2 MB · Image');
  });

  it('a download shows its progress bar and Cancel, then its sentence and Retry; Save as and Forward are buttons with names', () => {
    const running = renderToStaticMarkup(
      createElement(FileCard, { file: fileViewOf({ file: pdf })!, transfer: download('running'), onCancel: () => {}, onSave: () => {}, onForward: () => {} }),
    );
    expect(running).toMatch(/<progress[^>]*aria-label="Downloading Quarterly report.pdf"/);
    expect(running).toContain('Downloading… 25 % (5 MB of 20 MB)');
    expect(running).toContain('aria-label="Cancel downloading Quarterly report.pdf"');
    expect(running).toContain('aria-label="Save Quarterly report.pdf as…"');
    expect(running).toContain('aria-label="Forward Quarterly report.pdf"');
    const message = 'This file failed its integrity check and was not saved. Ask the sender to send it again.';
    const failed = renderToStaticMarkup(
      createElement(FileCard, {
        file: fileViewOf({ file: pdf })!,
        transfer: download('failed', { code: 'attachment_hash_mismatch', message }),
        onRetry: () => {},
      }),
    );
    expect(failed).not.toContain('<progress');
    expect(failed).toMatch(/role="alert"[^>]*>This file failed its integrity check/);
    expect(failed).not.toContain('attachment_hash_mismatch');
    expect(failed).toContain('data-testid="file-retry"');
    expect(transferLine({ direction: 'upload', state: 'cancelled', done: 0, total: 1 })).toBe('Cancelled: the file was not sent.');
  });

  it('names kinds by media type', () => {
    expect(['application/pdf', 'image/png', 'video/mp4', 'application/zip', 'text/csv', 'application/x-unknown'].map(fileKind)).toEqual([
      'pdf',
      'image',
      'video',
      'archive',
      'text',
      'other',
    ]);
  });
});

describe('the composer and the policy', () => {
  it('has an "Attach a file" button and says why a file was refused', () => {
    const html = renderToStaticMarkup(
      createElement(Composer, {
        value: '',
        disabledReason: null,
        onChange: () => {},
        onSend: () => {},
        onFiles: () => {},
        fileNotice: '“big.pdf” was not sent. This file is too large to send: your organisation allows files up to 25 MB.',
      }),
    );
    expect(html).toMatch(/<button[^>]*aria-label="Attach a file"/);
    expect(html).toContain('type="file"');
    expect(html).toMatch(/role="alert"[^>]*><span>“big.pdf” was not sent\. This file is too large/);
    expect(renderToStaticMarkup(createElement(Composer, { value: '', disabledReason: null, onChange: () => {}, onSend: () => {} }))).not.toContain(
      'Attach a file',
    );
  });

  it('refuses a file over the policy’s size or of a blocked type, and an empty one, in a sentence', () => {
    const policy = { attachmentMaxSize: '25MB' as const, attachmentBlockedTypes: 'application/x-msdownload, video/*' };
    expect(fileRefusal({ name: 'big.pdf', size: 26_000_000 }, policy)).toBe(
      '“big.pdf” was not sent. This file is too large to send: your organisation allows files up to 25 MB.',
    );
    expect(fileRefusal({ name: 'clip.mp4', size: 10 }, policy)).toContain('does not allow sending files of this type');
    expect(fileRefusal({ name: 'empty.txt', size: 0 }, policy)).toBe('“empty.txt” is empty, so there is nothing to send.');
    expect(fileRefusal({ name: 'ok.pdf', size: 25_000_000 }, policy)).toBeNull();
  });
});

/** A file the page holds (the slice needs only its name, size and slices). */
function heldFile(name: string, bytes: Uint8Array) {
  return {
    name,
    size: bytes.length,
    slice: (start: number, end: number) => ({ arrayBuffer: async () => bytes.slice(start, end).buffer as ArrayBuffer }),
  };
}

/** Stand-in file handlers in main, in memory, recording what the page asked. */
function fakeMain() {
  const calls: string[] = [];
  const received: Buffer[] = [];
  const stored = new Uint8Array(MAX_FILE_CHUNK + 10).map((_, i) => i % 251);
  let cancelled = false;
  const state = (s: Partial<TransferState>): TransferState => ({
    transferId: TRANSFER,
    conversationId: CONV,
    direction: 'upload',
    fileName: 'report.pdf',
    state: 'done',
    done: 0,
    total: 0,
    ...s,
  });
  const handlers: Handlers = {
    beginFileUpload: async (_c, file, caption) => (
      calls.push(`begin ${file.fileName} ${file.size}${caption === undefined ? '' : ` caption=${caption}`}`),
      { transferId: TRANSFER }
    ),
    fileUploadChunk: async (_t, offset, base64) => {
      const bytes = Buffer.from(base64, 'base64');
      calls.push(`chunk ${offset} ${bytes.length}`);
      received.push(bytes);
      return { received: offset + bytes.length };
    },
    finishFileUpload: async () => (calls.push('finish'), state({ messageId: MSG })),
    cancelTransfer: async () => ((cancelled = true), calls.push('cancel'), null),
    beginFileDownload: async (c, m) => (
      calls.push('download'),
      state({ conversationId: c, messageId: m, direction: 'download', fileName: 'report.pdf', done: stored.length, total: stored.length })
    ),
    fileDownloadChunk: async (_t, offset) => {
      calls.push(`read ${offset}`);
      const piece = stored.subarray(offset, offset + MAX_FILE_CHUNK);
      return { base64: Buffer.from(piece).toString('base64'), end: offset + piece.length >= stored.length };
    },
  };
  return { calls, received, stored, handlers, cancelled: () => cancelled };
}

function storeOver(handlers: Handlers, offered: Array<{ name: string; bytes: Buffer }> = []) {
  const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
  const store = createAppStore(bridge, {
    events: { on: () => () => {} },
    now: () => 1_000,
    isActive: () => true,
    startChat: null,
    offerDownload: (name, parts) => offered.push({ name, bytes: Buffer.concat(parts.map((p) => Buffer.from(p))) }),
  });
  store.setState((s) => ({
    settings: {
      ...s.settings,
      policy: { values: { ...POLICY_DEFAULTS, attachmentMaxSize: '25MB' as const }, managed: { attachmentMaxSize: 'machine' as const }, warnings: [] },
    },
    system: { ...s.system, info: { name: 'Seed', version: '0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' } },
  }));
  return store;
}

describe('the files slice', () => {
  it('refuses a file over the policy before main hears of it', async () => {
    const main = fakeMain();
    const store = storeOver(main.handlers);
    const big = { name: 'big.pdf', size: 26_000_000, slice: () => ({ arrayBuffer: async () => new ArrayBuffer(0) }) };
    await store.getState().sendFiles(CONV, [big]);
    expect(main.calls).toEqual([]);
    expect(store.getState().files.notice[CONV]).toBe('“big.pdf” was not sent. This file is too large to send: your organisation allows files up to 25 MB.');
  });

  it('hands a file over in order, in pieces of at most 512 KiB, then finishes it', async () => {
    const main = fakeMain();
    const store = storeOver(main.handlers);
    const bytes = new Uint8Array(2 * MAX_FILE_CHUNK + 7).map((_, i) => (i * 7) % 256);
    await store.getState().sendFiles(CONV, [heldFile('report.pdf', bytes)]);
    expect(main.calls).toEqual([`begin report.pdf ${bytes.length}`, 'chunk 0 524288', 'chunk 524288 524288', 'chunk 1048576 7', 'finish']);
    expect(Buffer.concat(main.received).equals(Buffer.from(bytes))).toBe(true);
    expect(store.getState().files.transfers[TRANSFER]).toMatchObject({ state: 'done', messageId: MSG, handing: false });
  });

  it('Cancel stops a hand-over at its next piece and tells main', async () => {
    const main = fakeMain();
    const chunk = main.handlers.fileUploadChunk!;
    main.handlers.fileUploadChunk = async (t, offset, base64) => {
      const answer = await chunk(t, offset, base64);
      // The person presses Cancel while the first piece is on its way.
      if (offset === 0) await store.getState().cancelTransfer(TRANSFER);
      return answer;
    };
    const store = storeOver(main.handlers);
    await store.getState().sendFiles(CONV, [heldFile('big.zip', new Uint8Array(3 * MAX_FILE_CHUNK))]);
    expect(main.calls).toEqual(['begin big.zip 1572864', 'chunk 0 524288', 'cancel']);
    expect(main.cancelled()).toBe(true);
    expect(store.getState().files.transfers[TRANSFER]).toMatchObject({ state: 'cancelled' });
  });

  it('browser mode’s save reads the bytes only after main answered the verified download, and offers exactly them', async () => {
    const main = fakeMain();
    const offered: Array<{ name: string; bytes: Buffer }> = [];
    const store = storeOver(main.handlers, offered);
    await store.getState().saveFile(CONV, MSG);
    expect(main.calls).toEqual(['download', 'read 0', `read ${MAX_FILE_CHUNK}`]);
    expect(offered).toHaveLength(1);
    expect(offered[0]!.name).toBe('report.pdf');
    expect(offered[0]!.bytes.equals(Buffer.from(main.stored))).toBe(true);
  });

  it('a download main could not verify is never read, and says why in a sentence', async () => {
    const main = fakeMain();
    main.handlers.beginFileDownload = async (c, m) => ({
      transferId: TRANSFER,
      conversationId: c,
      messageId: m,
      direction: 'download',
      fileName: 'report.pdf',
      state: 'failed',
      done: 10,
      total: 20,
      code: 'attachment_hash_mismatch',
      message: 'This file failed its integrity check and was not saved. Ask the sender to send it again.',
    });
    const offered: Array<{ name: string; bytes: Buffer }> = [];
    const store = storeOver(main.handlers, offered);
    await store.getState().saveFile(CONV, MSG);
    expect(main.calls.filter((c) => c.startsWith('read'))).toEqual([]);
    expect(offered).toEqual([]);
    expect(store.getState().files.transfers[TRANSFER]).toMatchObject({ state: 'failed', message: expect.stringContaining('integrity check') });
  });

  it('in the Electron app, attach and save go to main’s own dialogs; a forward sends the stored file', async () => {
    const main = fakeMain();
    main.handlers.attachFile = async () => (main.calls.push('attachFile'), null);
    main.handlers.saveFileAs = async () => (main.calls.push('saveFileAs'), null);
    main.handlers.forwardFile = async (from, m, to) => (main.calls.push(`forward ${from} ${m} ${to}`), { messageId: MSG, timetoken: '17672256050001235' });
    const store = storeOver(main.handlers);
    store.setState((s) => ({ system: { ...s.system, info: { ...s.system.info!, runtime: 'electron' as const } } }));
    await store.getState().chooseFileToSend(CONV);
    await store.getState().saveFile(CONV, MSG);
    expect(await store.getState().forwardFile(CONV, MSG, 'conv-files-0002' as ConversationId)).toBe(true);
    expect(main.calls).toEqual(['attachFile', 'saveFileAs', `forward ${CONV} ${MSG} conv-files-0002`]);
  });

  it('a forward main refuses is said in a sentence, never as a code', async () => {
    const main = fakeMain();
    main.handlers.forwardFile = async () => {
      throw Object.assign(new Error('There is no file in message msg-x of this conversation.'), { code: 'attachment_unknown_message' });
    };
    const store = storeOver(main.handlers);
    expect(await store.getState().forwardFile(CONV, MSG, 'conv-files-0002' as ConversationId)).toBe(false);
    const notice = store.getState().files.notice[CONV]!;
    expect(notice).not.toContain('attachment_unknown_message');
    expect(notice.length).toBeGreaterThan(10);
  });
});
