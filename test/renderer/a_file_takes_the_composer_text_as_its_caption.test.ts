/**
 * A caption with a file (docs/desktop.md "Files"; docs/protocol.md §7.9: an `attachment` message's optional
 * `caption`): the text typed in the composer goes with the file as its caption — one message, file and
 * text — and the composer empties once the file is on its way. The files slice over the real contract
 * dispatcher with stand-in file handlers in main: the caption reaches main with the first file only; a file
 * the policy refuses takes nothing and the text stays; in the Electron app the text goes to main's open
 * dialog and stays when the person chose no file. No caption while replying or editing (that text is the
 * reply or the edit), for white space, or for text longer than a caption may be. The card shows the
 * caption under the file.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, MessageId } from '../../src/common/ids';
import type { TransferState } from '../../src/common/ipc/schemas/files';
import { POLICY_DEFAULTS } from '../../src/common/policy/values';
import { MAX_CAPTION } from '../../src/common/protocol/attachmentMessage';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { Composer } from '../../src/renderer/src/components/Composer';
import { FileCard } from '../../src/renderer/src/components/FileCard';
import { fileCaptionOf, fileViewOf } from '../../src/renderer/src/model/fileView';
import { createAppStore } from '../../src/renderer/src/state/store';

const CONV = 'conv-caption-0001' as ConversationId;
const MSG = 'msg-caption-00000001' as MessageId;
const TRANSFER = 'C'.repeat(22);

function heldFile(name: string, size: number) {
  const bytes = new Uint8Array(size).fill(7);
  return { name, size, slice: (start: number, end: number) => ({ arrayBuffer: async () => bytes.slice(start, end).buffer as ArrayBuffer }) };
}

function setup(runtime: 'node' | 'electron' = 'node') {
  const calls: string[] = [];
  let n = 0;
  const done = (s: Partial<TransferState>): TransferState => ({
    transferId: TRANSFER,
    conversationId: CONV,
    direction: 'upload',
    fileName: 'f',
    state: 'done',
    done: 0,
    total: 0,
    messageId: MSG,
    ...s,
  });
  const handlers: Handlers = {
    beginFileUpload: async (_c, file, caption) => {
      calls.push(`begin ${file.fileName}${caption === undefined ? '' : ` caption=${caption}`}`);
      n += 1;
      return { transferId: `${'T'.repeat(21)}${n}` };
    },
    fileUploadChunk: async (_t, offset, base64) => ({ received: offset + Buffer.from(base64, 'base64').length }),
    finishFileUpload: async (t) => done({ transferId: t }),
  };
  const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
  const store = createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1_000, isActive: () => true, startChat: null, offerDownload: () => {} });
  store.setState((s) => ({
    settings: {
      ...s.settings,
      policy: { values: { ...POLICY_DEFAULTS, attachmentMaxSize: '25MB' as const }, managed: { attachmentMaxSize: 'machine' as const }, warnings: [] },
    },
    system: { ...s.system, info: { name: 'Seed', version: '0', platform: 'linux', runtime, runtimeVersion: '20' } },
  }));
  /** The composer's text as the container passes it: `fileCaptionOf`, emptied through the chat slice's draft. */
  const caption = (composing = false) => {
    const text = fileCaptionOf(store.getState().chat.drafts[CONV] ?? '', composing);
    return text === undefined ? undefined : { text, taken: () => store.getState().setDraft(CONV, '') };
  };
  return { calls, handlers, store, caption, done };
}

describe('a file takes the composer’s text as its caption', () => {
  it('the caption is the trimmed text; none while replying or editing, for white space, or past the caption limit', () => {
    expect(fileCaptionOf('  Q4 numbers, see page 3 \n', false)).toBe('Q4 numbers, see page 3');
    expect(fileCaptionOf('Q4 numbers', true)).toBeUndefined();
    expect(fileCaptionOf(' \n\t ', false)).toBeUndefined();
    expect(fileCaptionOf('x'.repeat(MAX_CAPTION), false)).toHaveLength(MAX_CAPTION);
    expect(fileCaptionOf('x'.repeat(MAX_CAPTION + 1), false)).toBeUndefined();
  });

  it('a picked file goes with the typed text (one message) and the composer empties; a second file goes without it', async () => {
    const { calls, store, caption } = setup();
    store.getState().setDraft(CONV, ' Q4 numbers ');
    await store.getState().sendFiles(CONV, [heldFile('report.pdf', 10), heldFile('annex.pdf', 10)], caption());
    expect(calls.sort()).toEqual(['begin annex.pdf', 'begin report.pdf caption=Q4 numbers']);
    expect(store.getState().chat.drafts[CONV] ?? '').toBe('');
  });

  it('a file the policy refuses takes nothing: main hears of nothing and the text stays', async () => {
    const { calls, store, caption } = setup();
    store.getState().setDraft(CONV, 'Q4 numbers');
    await store.getState().sendFiles(CONV, [{ name: 'big.pdf', size: 26_000_000, slice: () => ({ arrayBuffer: async () => new ArrayBuffer(0) }) }], caption());
    expect(calls).toEqual([]);
    expect(store.getState().chat.drafts[CONV]).toBe('Q4 numbers');
    expect(store.getState().files.notice[CONV]).toContain('too large');
  });

  it('while replying, the text is the reply: the file goes alone and the text stays', async () => {
    const { calls, store, caption } = setup();
    store.getState().setDraft(CONV, 'my reply');
    await store.getState().sendFiles(CONV, [heldFile('photo.png', 10)], caption(true));
    expect(calls).toEqual(['begin photo.png']);
    expect(store.getState().chat.drafts[CONV]).toBe('my reply');
  });

  it('in the Electron app the text goes to main’s open dialog, and stays when no file was chosen', async () => {
    const { calls, handlers, store, caption, done } = setup('electron');
    let choose = false;
    handlers.attachFile = async (_c, text) => (calls.push(`attachFile${text === undefined ? '' : ` caption=${text}`}`), choose ? done({}) : null);
    store.getState().setDraft(CONV, 'Q4 numbers');
    await store.getState().chooseFileToSend(CONV, caption());
    expect(store.getState().chat.drafts[CONV]).toBe('Q4 numbers');
    choose = true;
    await store.getState().chooseFileToSend(CONV, caption());
    expect(calls).toEqual(['attachFile caption=Q4 numbers', 'attachFile caption=Q4 numbers']);
    expect(store.getState().chat.drafts[CONV] ?? '').toBe('');
  });

  it('the attach button says the text goes along; the card shows the caption under the file', () => {
    const composer = (value: string, context: { label: string; text: string } | null = null) =>
      renderToStaticMarkup(createElement(Composer, { value, disabledReason: null, onChange: () => {}, onSend: () => {}, onFiles: () => {}, context }));
    expect(composer('Q4 numbers')).toContain('title="Attach a file: the text you typed goes with it as its caption"');
    expect(composer('')).toContain('title="Attach a file"');
    expect(composer('my reply', { label: 'Replying to Bob', text: 'hi' })).toContain('title="Attach a file"');
    const file = fileViewOf({ file: { fileName: 'report.pdf', size: 10, mediaType: 'application/pdf', thumbnail: null, caption: 'Q4 numbers' } })!;
    const card = renderToStaticMarkup(createElement(FileCard, { file }));
    expect(card).toMatch(/data-testid="file-caption"[^>]*>Q4 numbers</);
  });
});
