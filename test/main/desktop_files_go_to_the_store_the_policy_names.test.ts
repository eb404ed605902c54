/**
 * The file store of the managed policy (docs/deployment.md §2 `attachmentStore`; docs/architecture.md
 * "Attachment stores"), with main bootstrapped like the Electron entry on the embedded local stack: for each
 * store — the local folder (the default there), PubNub Files on the relay through the real SDK with the core's
 * own token, and an S3 bucket on moto's real server with credentials from the AWS SDK chain — Alice sends a file
 * from her core and Bob fetches it, verified, from his. With PubNub Files the attacker is Carol, a user of the
 * same relay who is not in the conversation: with her own token she can neither download, list nor delete the
 * parts (`attachment_store_access_denied`); Bob, a member, reads them but cannot delete them (they are on
 * Alice's own files channel, docs/protocol.md §20.10), and the file is still whole for him afterwards; a forward
 * to Carol's own conversation copies the parts to Alice's files channel there, where Carol can read them. A policy that names `s3` without
 * its bucket still opens the app; sending a file then says why (`attachment_store_misconfigured`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client';
import type { AttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { attachmentSendLimits } from '../../src/common/attachments/sendPolicy';
import type { ConversationId, MessageId } from '../../src/common/ids';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { uploaderTag } from '../../src/client/attachments/conversationStores';
import { conversationPubnubChannel, filesPubnubChannel } from '../../src/common/pubnubChannels';
import { PubNubFilesStore } from '../../src/node/attachments/pubnubFilesStore';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const MOTO = process.env['TEST_MOTO_URL'];
const region = 'eu-central-1';
const bucket = `seed-desktop-files-${process.pid}`;
const limits = attachmentSendLimits({ attachmentMaxSize: 'unlimited', attachmentBlockedTypes: null });
const world = desktopProfiles('seed-files-stores');
const work = mkdtempSync(join(tmpdir(), 'seed-files-stores-work-'));
const password = 'correct horse battery';

afterAll(() => world.closeAll());

beforeAll(async () => {
  if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
  // The AWS SDK's default chain reads these, as it would a machine's environment or instance role.
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  await motoClient().send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }));
});

function motoClient(): S3Client {
  return new S3Client({ region, endpoint: MOTO!, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, forcePathStyle: true });
}

function core(p: DesktopProfile): Promise<Client> {
  return 'host' in p.deps.messenger ? p.deps.messenger.host.current() : Promise.reject(new Error(`no core: ${p.deps.messenger.reason}`));
}

/** A registered profile whose machine policy is `policy` (null: none). */
async function person(name: string, policy: Record<string, unknown> | null): Promise<DesktopProfile & { userId: string }> {
  const p = await world.profile(name, policy === null ? {} : { policy: await createPolicyHolder(async () => mergePolicyLayers({ machine: policy })) });
  const r = (await p.call('register', { username: `${name}${world.suffix}`, displayName: name, password, deviceName: `${name} laptop` })) as {
    user: { userId: string };
  };
  return Object.assign(p, { userId: r.user.userId });
}

async function direct(from: DesktopProfile, to: { userId: string }): Promise<ConversationId> {
  return ((await from.call('createConversation', { kind: 'direct', memberUserIds: [to.userId] })) as { conversationId: ConversationId }).conversationId;
}

/** Waits until `client` shows a file message that `match`es; answers its id and descriptor. */
async function fileMessage(
  client: Client,
  conversationId: ConversationId,
  match: (id: MessageId, d: AttachmentDescriptor) => boolean,
): Promise<{ id: MessageId; descriptor: AttachmentDescriptor }> {
  await client.ensureAccess([conversationId]);
  const messaging = await client.messaging();
  if (!messaging.joined().includes(conversationId)) await messaging.join([conversationId]);
  for (;;) {
    await messaging.catchUp(conversationId);
    for (const i of messaging.view(conversationId).items)
      if (i.kind === 'message' && i.attachment !== undefined && match(i.id, i.attachment.descriptor)) return { id: i.id, descriptor: i.attachment.descriptor };
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function fileArrives(client: Client, conversationId: ConversationId, descriptor: AttachmentDescriptor): Promise<MessageId> {
  return (await fileMessage(client, conversationId, (_, d) => JSON.stringify(d) === JSON.stringify(descriptor))).id;
}

/** Alice sends a 300 kB file (one part) to Bob, who saves it verified. */
async function exchange(alice: DesktopProfile, bob: DesktopProfile, conversationId: ConversationId, label: string) {
  const bytes = randomBytes(300_000);
  const path = join(work, `${label}.pdf`);
  writeFileSync(path, bytes);
  await (await core(alice)).ensureAccess([conversationId]);
  const sent = await (await core(alice)).attachments().send(conversationId, { path }, { limits });
  expect(sent.state, JSON.stringify(sent)).toBe('sent');
  const id = await fileArrives(await core(bob), conversationId, sent.descriptor);
  const out = join(work, `${label}-bob.pdf`);
  await (await core(bob)).attachments().fetch(conversationId, id, out);
  expect(readFileSync(out).equals(bytes)).toBe(true);
  return { descriptor: sent.descriptor, id, bytes };
}

describe('desktop files go to the store the managed policy names', { timeout: 120_000 }, () => {
  it('no policy on the local stack: the folder under the Seed home', async () => {
    const alice = await person('alice-local', null);
    const bob = await person('bob-local', null);
    const dm = await direct(alice, bob);
    const before = readdirSync(join(world.home, 'attachments')).length;
    const { descriptor } = await exchange(alice, bob, dm, 'local');
    expect(readdirSync(join(world.home, 'attachments')).length).toBe(before + descriptor.parts.length);
    expect('host' in alice.deps.messenger && alice.deps.messenger.attachmentStore).toEqual({ store: 'local' });
  });

  it('attachmentStore s3: the bucket on moto, credentials from the SDK chain, only ciphertext under the prefix', async () => {
    const policy = {
      attachmentStore: 's3',
      attachmentS3Bucket: bucket,
      attachmentS3Region: region,
      attachmentS3Endpoint: MOTO,
      attachmentS3PathStyle: true,
      attachmentS3Prefix: 'seed/',
    };
    const alice = await person('alice-s3', policy);
    const bob = await person('bob-s3', policy);
    const dm = await direct(alice, bob);
    const { descriptor, bytes } = await exchange(alice, bob, dm, 's3');
    const listed = await motoClient().send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys).toContain(`seed/${descriptor.parts[0]!.ref}`);
    for (const key of keys) expect(key).toMatch(/^seed\/[A-Za-z0-9_-]{43}$/);
    expect(bytes.length).toBeGreaterThan(0);
  });

  it('attachmentStore pubnub: the relay’s Files on the sender’s own files channel; a member cannot delete, a non-member can neither read nor delete', async () => {
    const policy = { attachmentStore: 'pubnub' };
    const alice = await person('alice-pn', policy);
    const bob = await person('bob-pn', policy);
    const carol = await person('carol-pn', policy);
    const dm = await direct(alice, bob);
    const { descriptor, id, bytes } = await exchange(alice, bob, dm, 'pubnub');
    const ref = descriptor.parts[0]!.ref;
    // On Alice's own files channel of the conversation (docs/protocol.md §20.10): her tag, PubNub's file id, the random name.
    expect(ref).toMatch(new RegExp(`^${uploaderTag(alice.userId)}\\.[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$`));

    // Carol, with the token the key service gave her, goes straight at the conversation's channel.
    const access = await (await core(carol)).transportAccess();
    const raw = new PubNub({ publishKey: access.publishKey, subscribeKey: access.subscribeKey, userId: access.userId, origin: access.origin, ssl: access.ssl });
    raw.setToken(access.token!);
    try {
      const storeOf = (c: ConversationId) =>
        new PubNubFilesStore({
          pubnub: raw,
          channel: conversationPubnubChannel(c),
          uploads: { tag: uploaderTag(carol.userId), channelOf: (t) => filesPubnubChannel(c, t) },
        });
      const theirs = storeOf(dm);
      const collect = async () => {
        for await (const piece of theirs.get(ref)) expect(piece).toBeUndefined();
      };
      await expect(collect()).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
      await expect(theirs.delete(ref)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
      await expect(theirs.exists(ref)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
      // Her own conversation's channel does not hold Alice's file either.
      const own = await direct(carol, alice);
      await (await core(carol)).ensureAccess([own]);
      const fresh = await (await core(carol)).transportAccess();
      raw.setToken(fresh.token!);
      const mine = storeOf(own);
      await expect(mine.exists(ref)).resolves.toBe(false);

      // Bob, a member, with the token the key service gave him: he reads Alice's parts but cannot delete them.
      const bobAccess = await (await core(bob)).transportAccess();
      const bobRaw = new PubNub({
        publishKey: bobAccess.publishKey,
        subscribeKey: bobAccess.subscribeKey,
        userId: bobAccess.userId,
        origin: bobAccess.origin,
        ssl: bobAccess.ssl,
      });
      bobRaw.setToken(bobAccess.token!);
      try {
        const bobs = new PubNubFilesStore({
          pubnub: bobRaw,
          channel: conversationPubnubChannel(dm),
          uploads: { tag: uploaderTag(bob.userId), channelOf: (t) => filesPubnubChannel(dm, t) },
        });
        await expect(bobs.exists(ref)).resolves.toBe(true);
        await expect(bobs.delete(ref)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
        await expect(bobs.exists(ref)).resolves.toBe(true);
      } finally {
        bobRaw.destroy(true);
      }

      // Nothing changed: Bob still fetches the file whole.
      const again = join(work, 'pubnub-bob-again.pdf');
      await (await core(bob)).attachments().fetch(dm, id, again);
      expect(readFileSync(again).equals(bytes)).toBe(true);

      // A forward into Alice and Carol's conversation copies the parts to its channel: Carol reads it there.
      await (await core(alice)).ensureAccess([own]);
      const outcome = await (await core(alice)).attachments().forward(dm, id, own, 'fwd');
      expect(outcome.state, JSON.stringify(outcome)).toBe('sent');
      const copy = (await fileMessage(await core(alice), own, (i) => i === outcome.id)).descriptor;
      expect(copy.sha256).toBe(descriptor.sha256);
      expect(copy.parts[0]!.ref).not.toBe(ref);
      const carolId = await fileArrives(await core(carol), own, copy);
      const carolOut = join(work, 'pubnub-carol.pdf');
      await (await core(carol)).attachments().fetch(own, carolId, carolOut);
      expect(readFileSync(carolOut).equals(bytes)).toBe(true);
    } finally {
      raw.destroy(true);
    }
  });

  it('attachmentStore s3 without a bucket: the app opens, and a file send says which setting is missing', async () => {
    const alice = await person('alice-bad', { attachmentStore: 's3', attachmentS3Region: region });
    const bob = await person('bob-bad', null);
    const dm = await direct(alice, bob);
    expect('host' in alice.deps.messenger && alice.deps.messenger.attachmentStore).toMatchObject({ store: null, code: 'attachment_store_misconfigured' });
    const path = join(work, 'never.txt');
    writeFileSync(path, 'never stored');
    const refused = (await core(alice)).attachments().send(dm, { path }, { limits });
    await expect(refused).rejects.toMatchObject({ code: 'attachment_store_misconfigured', message: expect.stringContaining('attachmentS3Bucket is not set') });
  });
});
