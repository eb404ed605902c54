/**
 * Files over the bridge (docs/desktop.md "Files"; src/main/desktop/fileHandlers.ts) with the real desktop
 * handlers, client core and embedded local stack, as a compromised renderer would call them: no method takes
 * a path — a path slipped into any argument is `invalid_arguments` and nothing is read — main sends only what
 * its own open dialog chose, and a cancelled dialog sends nothing. A file message reaches the page as its view
 * (name, size, type, caption): the file key, hashes and store references never cross the bridge, on open nor
 * from stored history. The receiver's thumbnail, "save as" and forward (no new upload) go through main.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId } from '../../src/common/ids';
import { attachmentPlaintext } from '../../src/common/protocol/attachmentMessage';
import type { FileDialogs } from '../../src/main/desktop/fileHandlers';
import { aliceAndBobInDirect, coreOf, desktopProfiles, receivedClock, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-files-bridge');
const work = mkdtempSync(join(tmpdir(), 'seed-files-bridge-work-'));
const chosen: { open: string | null; save: string | null } = { open: null, save: null };
const dialogs: FileDialogs = { chooseFileToSend: async () => chosen.open, chooseSavePath: async () => chosen.save };
let alice: DesktopProfile;
let bob: DesktopProfile;
let conversationId: ConversationId;
const received = receivedClock();
const core = coreOf;

beforeAll(async () => {
  ({ alice, bob, conversationId } = await aliceAndBobInDirect(world, { alice: { fileDialogs: dialogs }, bob: { fileDialogs: dialogs } }));
}, 60_000);

afterAll(() => world.closeAll());

describe('files over the bridge', () => {
  it('no method takes a path from the page, and a cancelled dialog sends nothing', async () => {
    const secret = join(work, 'secret.txt');
    writeFileSync(secret, 'not for the page');
    await expect(alice.call('attachFile', conversationId, { path: secret })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('attachFile', conversationId, 'caption', secret)).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('pasteFile', conversationId, { fileName: 'x.txt', base64: '', path: secret })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('saveFileAs', conversationId, 'msg-0000000000000000000001', secret)).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('retryTransfer', secret)).rejects.toMatchObject({ code: 'invalid_arguments' });
    chosen.open = null;
    expect(await alice.call('attachFile', conversationId)).toBeNull();
    expect(alice.events.filter((e) => e.name === 'fileTransfer')).toEqual([]);
  });

  it('sends what main chose, shows the page only the view, and saves the verified file where main chose', async () => {
    const photo = jpeg.encode({ data: randomBytes(600 * 400 * 4), width: 600, height: 400 }, 80).data;
    chosen.open = join(work, 'holiday.jpg');
    writeFileSync(chosen.open, photo);
    const sent = (await alice.call('attachFile', conversationId, 'the view')) as { state: string; messageId: MessageId; transferId: string };
    expect(sent, JSON.stringify(sent)).toMatchObject({ state: 'done', direction: 'upload', fileName: 'holiday.jpg', total: photo.length });
    expect(alice.events.some((e) => e.name === 'fileTransfer' && (e.payload as { state: string }).state === 'running')).toBe(true);

    // Alice's core holds the descriptor; the envelope Bob's page would receive is sealed from it.
    const descriptor = await (await core(alice)).attachments().descriptorOf(conversationId, sent.messageId);
    expect(descriptor.thumbnail).toMatchObject({ mediaType: 'image/jpeg', width: 320, height: 213 });
    const envelope = await (
      await core(alice)
    )
      .messageCrypto()
      .seal(conversationId, attachmentPlaintext({ descriptor, caption: 'the view' }, sent.messageId, Date.now()), 'attachment');
    const opened = await bob.call('openMessage', conversationId, envelope, received());
    expect(opened).toMatchObject({
      kind: 'ok',
      plaintext: { type: 'json', body: { file: { fileName: 'holiday.jpg', size: photo.length, mediaType: 'image/jpeg', caption: 'the view' } } },
    });
    const page = JSON.stringify([opened, await bob.call('historyPage', conversationId, { limit: 10 })]);
    for (const secret of [descriptor.key, descriptor.sha256, descriptor.parts[0]!.ref, descriptor.thumbnail!.key]) expect(page).not.toContain(secret);

    const thumb = (await bob.call('fileThumbnail', conversationId, sent.messageId)) as { base64: string; width: number };
    expect(thumb.width).toBe(320);
    expect(jpeg.decode(Buffer.from(thumb.base64, 'base64'))).toMatchObject({ width: 320, height: 213 });

    const saveDir = mkdtempSync(join(tmpdir(), 'seed-files-bridge-save-'));
    chosen.save = join(saveDir, 'saved.jpg');
    expect(await bob.call('saveFileAs', conversationId, sent.messageId)).toMatchObject({ state: 'done', direction: 'download', done: photo.length });
    expect(readFileSync(chosen.save).equals(photo)).toBe(true);
    expect(readdirSync(saveDir)).toEqual(['saved.jpg']);

    // Bob forwards it: a new message, no new object in the store.
    const store = join(world.home, 'attachments');
    const before = readdirSync(store).length;
    expect(await bob.call('forwardFile', conversationId, sent.messageId, conversationId, 'fwd')).toMatchObject({ timetoken: expect.stringMatching(/^\d+$/) });
    expect(readdirSync(store).length).toBe(before);
  });
});
