/**
 * Scenario (docs/client.md "Files"; docs/protocol.md §7.9, §20): Alice sends Bob a file through the real
 * relay and key service, its ciphertext in a local-directory store cut into 64 KiB parts; Bob fetches it
 * verified to a file; he forwards it without a new upload. Then the attacks on the stored objects and on the
 * descriptor — a flipped byte, a truncated part, two parts swapped, a sender whose descriptor understates the
 * file — each end in a typed `attachment_*` error with nothing at the destination and no partial file left;
 * and the send policy refuses a blocked type and an oversize file before anything is stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client';
import type { AttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { attachmentSendLimits } from '../../src/common/attachments/sendPolicy';
import { ciphertextSize } from '../../src/common/attachments/format';
import type { ConversationId, MessageId, UserId } from '../../src/common/ids';
import { LocalAttachmentStore } from '../../src/node/attachments/store';
import { cleanup, newClient, PASSWORD, uniqueName, waitFor, type World, startWorld } from './harness';

const PART = 64 * 1024;
const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `seed-files-${label}-`));
  dirs.push(d);
  return d;
}

const limits = attachmentSendLimits({ attachmentMaxSize: '100MB', attachmentBlockedTypes: 'application/x-msdownload, video/*' });

async function user(world: World, label: string, storeDir: string): Promise<Client> {
  const client = await newClient(world, `${label}'s device`, { attachmentStore: new LocalAttachmentStore({ directory: storeDir, maxPartSize: PART }) });
  await client.register({ username: uniqueName(label), password: PASSWORD, displayName: label });
  return client;
}

/** Alice and Bob in a direct conversation, sharing one store directory (as both would reach one bucket). */
async function pair() {
  const world = await startWorld();
  const storeDir = temp('store');
  const alice = await user(world, 'alice', storeDir);
  const bob = await user(world, 'bob', storeDir);
  const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId as UserId] });
  await alice.ensureAccess([dm.conversationId]);
  await bob.ensureAccess([dm.conversationId]);
  return { world, storeDir, alice, bob, dm: dm.conversationId };
}

/** Waits until `client` shows a file message with exactly this descriptor from someone else; answers its id. */
async function fileArrives(client: Client, conversationId: ConversationId, descriptor: AttachmentDescriptor): Promise<MessageId> {
  const messaging = await client.messaging();
  if (!messaging.joined().includes(conversationId)) await messaging.join([conversationId]);
  let id: MessageId | undefined;
  await waitFor('the file message', async () => {
    await messaging.catchUp(conversationId);
    const item = messaging
      .view(conversationId)
      .items.find(
        (i) => i.kind === 'message' && JSON.stringify(i.attachment?.descriptor) === JSON.stringify(descriptor) && i.senderUser !== client.session().userId,
      );
    id = item?.kind === 'message' ? item.id : undefined;
    return id !== undefined;
  });
  return id!;
}

function writeFile(dir: string, name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** The objects in the store directory (no temporary files). */
function objects(storeDir: string): string[] {
  return readdirSync(storeDir).filter((f) => !f.startsWith('.'));
}

describe('alice sends bob a file', () => {
  it('arrives as an attachment message, fetches verified, and forwards without a new upload', async () => {
    const { storeDir, alice, bob, dm } = await pair();
    const local = temp('alice');
    const file = writeFile(local, 'Quarterly report.pdf', 300_000);
    const progress: number[] = [];
    const sent = await alice.attachments().send(dm, { path: file.path }, { limits, caption: 'Numbers for Q4', onProgress: (done) => progress.push(done) });
    expect(sent.state).toBe('sent');
    expect(sent.descriptor).toMatchObject({ fileName: 'Quarterly report.pdf', mediaType: 'application/pdf', size: 300_000 });
    expect(sent.descriptor.parts.length).toBe(Math.ceil(ciphertextSize(300_000, 65_536) / PART));
    expect(progress.at(-1)).toBe(300_000);
    expect(objects(storeDir).length).toBe(sent.descriptor.parts.length);
    // The store holds ciphertext only: no 32-byte window of the file is in any object.
    for (const o of objects(storeDir)) expect(readFileSync(join(storeDir, o)).includes(file.bytes.subarray(1000, 1032))).toBe(false);

    const messageId = await fileArrives(bob, dm, sent.descriptor);
    const bobView = (await bob.messaging()).view(dm).items.find((i) => i.kind === 'message' && i.id === messageId);
    expect(bobView?.kind === 'message' ? bobView.attachment?.caption : undefined).toBe('Numbers for Q4');
    const out = join(temp('bob'), 'report.pdf');
    const got = await bob.attachments().fetch(dm, messageId, out);
    expect(got.size).toBe(300_000);
    expect(readFileSync(out).equals(file.bytes)).toBe(true);

    const before = objects(storeDir).length;
    const forwarded = await bob.attachments().forward(dm, messageId, dm, 'see above');
    expect(forwarded.state).toBe('sent');
    expect(objects(storeDir).length).toBe(before);
  });

  it.each([
    ['a flipped byte in a stored part', 'flip', ['attachment_bad_chunk', 'attachment_hash_mismatch']],
    ['a truncated part', 'truncate', ['attachment_truncated', 'attachment_bad_chunk']],
    ['two parts swapped in the store', 'swap', ['attachment_bad_chunk', 'attachment_hash_mismatch']],
  ] as const)('refuses %s with a typed error and releases nothing', async (_name, attack, codes) => {
    const { storeDir, alice, bob, dm } = await pair();
    const file = writeFile(temp('alice'), 'photo.bin', 200_000);
    const sent = await alice.attachments().send(dm, { path: file.path }, { limits });
    const refs = sent.descriptor.parts.map((p) => join(storeDir, p.ref));
    if (attack === 'flip') {
      const bytes = readFileSync(refs[1]!);
      bytes[100] = bytes[100]! ^ 1;
      writeFileSync(refs[1]!, bytes);
    } else if (attack === 'truncate') truncateSync(refs[1]!, 1000);
    else {
      // Parts 1 and 2 are both full 64 KiB parts: sizes match, the order does not.
      const [a, b] = [readFileSync(refs[1]!), readFileSync(refs[2]!)];
      writeFileSync(refs[1]!, b);
      writeFileSync(refs[2]!, a);
    }
    const messageId = await fileArrives(bob, dm, sent.descriptor);
    const outDir = temp('bob');
    const out = join(outDir, 'photo.bin');
    const error = await bob
      .attachments()
      .fetch(dm, messageId, out)
      .catch((e: unknown) => e);
    expect(codes).toContain((error as { code?: string }).code);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it("refuses a sender's descriptor that understates the file (its parts hold more than it says)", async () => {
    const { alice, bob, dm } = await pair();
    const file = writeFile(temp('alice'), 'contract.pdf', 150_000);
    const honest = (await alice.attachments().send(dm, { path: file.path }, { limits })).descriptor;
    // Alice's client lies: 1,000 bytes fewer, the last part's size cut to match, every hash kept.
    const parts = honest.parts.map((p, i) => (i === honest.parts.length - 1 ? { ...p, size: p.size - 1000 } : p));
    const lie = { ...honest, size: honest.size - 1000, parts };
    expect((await (await alice.messaging()).sendAttachment(dm, { descriptor: lie })).state).toBe('sent');
    const messageId = await fileArrives(bob, dm, lie);
    const outDir = temp('bob');
    const error = await bob
      .attachments()
      .fetch(dm, messageId, join(outDir, 'contract.pdf'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'attachment_trailing_data', index: honest.parts.length - 1 });
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('refuses a blocked type and an oversize file by policy before anything is stored', async () => {
    const { storeDir, alice, dm } = await pair();
    const local = temp('alice');
    const exe = writeFile(local, 'setup.EXE', 1000);
    await expect(alice.attachments().send(dm, { path: exe.path }, { limits })).rejects.toMatchObject({
      code: 'attachment_policy_blocked_type',
      message: expect.stringMatching(/^Your organisation does not allow sending files of this type/),
    });
    const clip = writeFile(local, 'clip.mp4', 1000);
    await expect(alice.attachments().send(dm, { path: clip.path }, { limits })).rejects.toMatchObject({ code: 'attachment_policy_blocked_type' });
    const big = writeFile(local, 'big.pdf', 2_000_001);
    const small = attachmentSendLimits({ attachmentMaxSize: '1MB', attachmentBlockedTypes: null });
    await expect(alice.attachments().send(dm, { path: big.path }, { limits: small })).rejects.toMatchObject({
      code: 'attachment_policy_too_large',
      message: 'This file is too large to send: your organisation allows files up to 1 MB.',
    });
    expect(readdirSync(storeDir)).toEqual([]);
  });
});
