/**
 * Bytes the page holds (a file picked in the browser, dropped or pasted) reach main in bounded, ordered pieces,
 * and browser mode's "save" hands the page only verified bytes (docs/desktop.md "Files";
 * src/main/desktop/fileHandlers.ts), with the real desktop handlers, client core and embedded local stack.
 * A compromised or confused page is refused with typed errors and nothing is sent: a file over the managed
 * policy's size before any byte is taken, pieces out of order, more bytes than declared, a finish before
 * every byte arrived, a piece over 512 KiB, a path anywhere; a cancelled hand-over leaves nothing in main's
 * temporary folder. A download is readable only once main verified it, its pieces are the sent bytes, and
 * main's copy is gone after the last piece.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId } from '../../src/common/ids';
import { MAX_FILE_CHUNK } from '../../src/common/ipc/schemas/files';
import { attachmentPlaintext } from '../../src/common/protocol/attachmentMessage';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { aliceAndBobInDirect, coreOf, desktopProfiles, receivedClock, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-files-pieces');
let alice: DesktopProfile;
let bob: DesktopProfile;
let conversationId: ConversationId;
const received = receivedClock();
const core = coreOf;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
/** Main's temporary files for the page's uploads and downloads: its own folder in each profile, `<profile>/transfers`. */
const mainTemporaryFiles = () =>
  [alice, bob].flatMap((p) => {
    const dir = join(p.deps.paths.dir, 'transfers');
    return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  });

async function handOver(p: DesktopProfile, fileName: string, bytes: Uint8Array): Promise<{ state: string; messageId: MessageId; transferId: string }> {
  const { transferId } = (await p.call('beginFileUpload', conversationId, { fileName, size: bytes.length })) as { transferId: string };
  for (let offset = 0; offset < bytes.length; offset += MAX_FILE_CHUNK) {
    const { received } = (await p.call('fileUploadChunk', transferId, offset, b64(bytes.subarray(offset, offset + MAX_FILE_CHUNK)))) as { received: number };
    expect(received).toBe(Math.min(bytes.length, offset + MAX_FILE_CHUNK));
  }
  return (await p.call('finishFileUpload', transferId)) as { state: string; messageId: MessageId; transferId: string };
}

beforeAll(async () => {
  // Alice's organisation allows files up to 5 MB.
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: { attachmentMaxSize: '5MB' } }));
  ({ alice, bob, conversationId } = await aliceAndBobInDirect(world, { alice: { policy } }));
}, 60_000);

afterAll(() => world.closeAll());

describe('files the page holds go to main in bounded pieces', () => {
  it('sends a file handed over in pieces, with the transfer id of its progress events, and keeps no copy once sent', async () => {
    const bytes = new Uint8Array(randomBytes(MAX_FILE_CHUNK * 2 + 1234));
    bytes.set(Buffer.from('%PDF-1.7\n'));
    const sent = await handOver(alice, 'report.pdf', bytes);
    expect(sent, JSON.stringify(sent)).toMatchObject({ state: 'done', direction: 'upload', fileName: 'report.pdf', total: bytes.length });
    const progress = alice.events.filter((e) => e.name === 'fileTransfer').map((e) => e.payload as { transferId: string; state: string });
    expect(progress.some((e) => e.transferId === sent.transferId && e.state === 'running')).toBe(true);
    expect(mainTemporaryFiles().filter((f) => f.endsWith('.upload'))).toEqual([]);

    // Bob's main opens the message (as his page's pipeline has it do), sealed from Alice's descriptor.
    const descriptor = await (await core(alice)).attachments().descriptorOf(conversationId, sent.messageId);
    const envelope = await (
      await core(alice)
    )
      .messageCrypto()
      .seal(conversationId, attachmentPlaintext({ descriptor }, sent.messageId, Date.now()), 'attachment');
    expect(await bob.call('openMessage', conversationId, envelope, received())).toMatchObject({ kind: 'ok' });

    // Bob's browser-mode save: verified first, then read back in pieces; main's copy goes with the last one.
    const ready = (await bob.call('beginFileDownload', conversationId, sent.messageId)) as { state: string; transferId: string; messageId: string };
    expect(ready).toMatchObject({ state: 'done', direction: 'download', messageId: sent.messageId, total: bytes.length });
    const pieces: Buffer[] = [];
    for (let offset = 0, end = false; !end;) {
      const piece = (await bob.call('fileDownloadChunk', ready.transferId, offset)) as { base64: string; end: boolean };
      const buf = Buffer.from(piece.base64, 'base64');
      expect(buf.length).toBeLessThanOrEqual(MAX_FILE_CHUNK);
      pieces.push(buf);
      offset += buf.length;
      end = piece.end;
    }
    expect(Buffer.concat(pieces).equals(Buffer.from(bytes))).toBe(true);
    await expect(bob.call('fileDownloadChunk', ready.transferId, 0)).rejects.toMatchObject({ code: 'transfer_unknown' });
    expect(mainTemporaryFiles().filter((f) => f.endsWith('.download'))).toEqual([]);
  });

  it('refuses a file over the policy before taking a byte, and a path anywhere', async () => {
    const before = alice.events.length;
    await expect(alice.call('beginFileUpload', conversationId, { fileName: 'big.pdf', size: 5_000_001 })).rejects.toMatchObject({
      code: 'attachment_policy_too_large',
      message: expect.stringContaining('5 MB'),
    });
    await expect(alice.call('beginFileUpload', conversationId, { fileName: 'x.txt', size: 3, path: '/etc/passwd' })).rejects.toMatchObject({
      code: 'invalid_arguments',
    });
    await expect(alice.call('beginFileUpload', conversationId, { fileName: 'x.txt', size: 3 }, 'caption', '/etc/passwd')).rejects.toMatchObject({
      code: 'invalid_arguments',
    });
    expect(alice.events.slice(before).filter((e) => e.name === 'fileTransfer')).toEqual([]);
  });

  it('refuses pieces out of order, over the declared size or over 512 KiB, and a finish before every byte arrived', async () => {
    const before = alice.events.length;
    const { transferId } = (await alice.call('beginFileUpload', conversationId, { fileName: 'notes.txt', size: 10 })) as { transferId: string };
    await expect(alice.call('fileUploadChunk', transferId, 4, b64(new Uint8Array(4)))).rejects.toMatchObject({ code: 'upload_out_of_order' });
    await expect(alice.call('fileUploadChunk', transferId, 0, b64(new Uint8Array(MAX_FILE_CHUNK + 3)))).rejects.toMatchObject({ code: 'invalid_arguments' });
    expect(await alice.call('fileUploadChunk', transferId, 0, b64(new Uint8Array(4)))).toEqual({ received: 4 });
    await expect(alice.call('finishFileUpload', transferId)).rejects.toMatchObject({ code: 'upload_incomplete' });
    await expect(alice.call('fileUploadChunk', transferId, 4, b64(new Uint8Array(7)))).rejects.toMatchObject({ code: 'upload_too_large' });
    // Refused for good: main dropped it.
    await expect(alice.call('finishFileUpload', transferId)).rejects.toMatchObject({ code: 'transfer_unknown' });
    await expect(alice.call('fileUploadChunk', 'A'.repeat(22), 0, b64(new Uint8Array(1)))).rejects.toMatchObject({ code: 'transfer_unknown' });
    expect(alice.events.slice(before).filter((e) => e.name === 'fileTransfer')).toEqual([]);
  });

  it('a cancelled hand-over sends nothing and leaves nothing in main', async () => {
    const before = alice.events.length;
    const { transferId } = (await alice.call('beginFileUpload', conversationId, { fileName: 'draft.pdf', size: 2 * MAX_FILE_CHUNK })) as { transferId: string };
    await alice.call('fileUploadChunk', transferId, 0, b64(new Uint8Array(MAX_FILE_CHUNK)));
    const held = mainTemporaryFiles().filter((f) => f.endsWith(`${transferId}.upload`));
    expect(held).toHaveLength(1);
    expect(await alice.call('cancelTransfer', transferId)).toBeNull();
    expect(existsSync(held[0]!)).toBe(false);
    await expect(alice.call('fileUploadChunk', transferId, MAX_FILE_CHUNK, b64(new Uint8Array(1)))).rejects.toMatchObject({ code: 'transfer_unknown' });
    expect(alice.events.slice(before).filter((e) => e.name === 'fileTransfer')).toEqual([]);
  });
});
