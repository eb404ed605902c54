/**
 * PubNub Access Manager through the real `pubnub` SDK against the local relay (docs/api.md, "PubNub"), on
 * both databases: the service alone holds the secret key; it grants each user a token for exactly their
 * channels (plus their own inbox), grants again when membership changes, revokes on removal, and
 * publishes control notices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PubNub from 'pubnub';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conversationFilesPatterns, conversationPubnubChannel, inboxPubnubChannel, ownFilesPattern } from '../../src/common/pubnubChannels';
import { filesTagOf } from '../../src/server/pubnub/filesGrant';
import { ControlNoticeSchema, type ControlNotice } from '../../src/common/controlNotices';
import type { ConversationId } from '../../src/common/ids';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { describeBackends } from './helpers/backends';
import { changeMembership, createGroup, device, headOf, newActor, revokeDevice, rotate, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

const SECRET = 'sec-c-keyservice-test';
const PUB = 'pub-c-keyservice-test';
const SUB = 'sub-c-keyservice-test';

interface Granted {
  token: string;
  readWrite: string[];
  read: string[];
}

describeBackends('PubNub grants, revocations and control notices', (backend) => {
  let relay: RunningRelay;
  let relayDir: string;
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let conv: ConversationId;
  let other: ConversationId;

  const sdk = (userId: string, token?: string) => {
    const pn = new PubNub({ publishKey: PUB, subscribeKey: SUB, userId, origin: relay.origin, ssl: false });
    if (token) pn.setToken(token);
    return pn;
  };
  const tokenFor = async (actor: Actor) => {
    const res = await run.api.post<Granted>('/v1/pubnub/token', undefined, actor.userToken);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const status = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (err: { status?: { statusCode?: number } }) => err.status?.statusCode ?? -1,
    );
  /** The actor's inbox history, once it holds a notice of each of `types` (notices go out after the answer). */
  const notices = async (actor: Actor, types: readonly ControlNotice['type'][]): Promise<ControlNotice[]> => {
    const pn = sdk(actor.userId, (await tokenFor(actor)).token);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await pn.fetchMessages({ channels: [inboxPubnubChannel(actor.userId)], count: 100 });
      const seen = (res.channels[inboxPubnubChannel(actor.userId)] ?? []).map((m) => ControlNoticeSchema.parse(m.message));
      if (types.every((t) => seen.some((n) => n.type === t)) || Date.now() > deadline) return seen;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    relayDir = mkdtempSync(path.join(tmpdir(), 'ks-relay-'));
    relay = await startRelay({ port: 0, dataDir: relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
    run = await startOn(backend, { pubnub: { origin: relay.origin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET } });
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob');
    conv = await createGroup(run.api, alice, [bob]);
    other = await createGroup(run.api, alice, [await newActor(run.api, 'carol')]);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
    await relay.close();
    rmSync(relayDir, { recursive: true, force: true });
  });

  it('grants exactly the caller’s conversation channels read+write and their own inbox read-only', async () => {
    const granted = await tokenFor(bob);
    expect(granted.readWrite).toEqual([conversationPubnubChannel(conv)]);
    expect(granted.read).toEqual([inboxPubnubChannel(bob.userId)]);
    const parsed = sdk(bob.userId).parseToken(granted.token);
    expect(parsed?.authorized_uuid).toBe(bob.userId);
    expect(Object.keys(parsed?.resources?.channels ?? {}).sort()).toEqual([conversationPubnubChannel(conv), inboxPubnubChannel(bob.userId)].sort());
    expect(parsed?.resources?.channels?.[inboxPubnubChannel(bob.userId)]).toMatchObject({ read: true, write: false });
    // PubNub Files (docs/protocol.md §20.10): read on every member's files channel of his conversation, and
    // read+write+delete on his own files channels only; delete nowhere else.
    expect(Object.keys(parsed?.patterns?.channels ?? {}).sort()).toEqual(
      [conversationFilesPatterns([conv])[0]!, ownFilesPattern(filesTagOf(bob.userId))].sort(),
    );
    expect(parsed?.patterns?.channels?.[conversationFilesPatterns([conv])[0]!]).toMatchObject({ read: true, write: false, delete: false });
    expect(parsed?.patterns?.channels?.[ownFilesPattern(filesTagOf(bob.userId))]).toMatchObject({ read: true, write: true, delete: true });
    expect(parsed?.resources?.channels?.[conversationPubnubChannel(conv)]).toMatchObject({ read: true, write: true, delete: false });

    const pn = sdk(bob.userId, granted.token);
    expect(await status(pn.publish({ channel: conversationPubnubChannel(conv), message: { hello: 1 } }))).toBe(200);
    expect(await status(pn.publish({ channel: conversationPubnubChannel(other), message: { hello: 1 } }))).toBe(403);
    expect(await status(pn.publish({ channel: inboxPubnubChannel(bob.userId), message: { fake: 'notice' } }))).toBe(403);
    expect(await status(pn.publish({ channel: inboxPubnubChannel(alice.userId), message: { fake: 'notice' } }))).toBe(403);
    expect(await status(sdk('mallory', granted.token).publish({ channel: conversationPubnubChannel(conv), message: 'stolen' }))).toBe(403);
  });

  it('publishes member_added and key_version notices to the members’ inboxes', async () => {
    await rotate(run.api, alice, conv, 1);
    const seen = await notices(bob, ['member_added', 'key_version']);
    expect(seen).toContainEqual(expect.objectContaining({ type: 'member_added', conversationId: conv, userId: bob.userId }));
    expect(seen).toContainEqual(expect.objectContaining({ type: 'key_version', conversationId: conv, version: 1 }));
  });

  it('a role change tells every member to re-read the conversation (membership_changed with its seq)', async () => {
    await changeMembership(run.api, alice, conv, { type: 'role', userId: bob.userId, role: 'admin' });
    const seq = (await headOf(run.api, alice, conv))!.seq;
    for (const who of [alice, bob]) {
      expect(await notices(who, ['membership_changed'])).toContainEqual(expect.objectContaining({ type: 'membership_changed', conversationId: conv, seq }));
    }
    await changeMembership(run.api, alice, conv, { type: 'role', userId: bob.userId, role: 'member' });
  });

  it('a disappearing-timer change tells every member to re-read the conversation (membership_changed with its seq)', async () => {
    await changeMembership(run.api, alice, conv, { type: 'disappearing', seconds: 3_600 });
    const seq = (await headOf(run.api, alice, conv))!.seq;
    for (const who of [alice, bob]) {
      expect(await notices(who, ['membership_changed'])).toContainEqual(expect.objectContaining({ type: 'membership_changed', conversationId: conv, seq }));
    }
  });

  it('on removal: revokes the removed user’s tokens, the next token lacks the channel, notices go out', async () => {
    const before = await tokenFor(bob);
    const pn = sdk(bob.userId, before.token);
    expect(await status(pn.publish({ channel: conversationPubnubChannel(conv), message: 'still in' }))).toBe(200);
    await changeMembership(run.api, alice, conv, { type: 'remove', userId: bob.userId });
    expect(await status(pn.publish({ channel: conversationPubnubChannel(conv), message: 'after removal' }))).toBe(403);
    const after = await tokenFor(bob);
    expect(after.readWrite).toEqual([]);
    expect(Object.keys(sdk(bob.userId).parseToken(after.token)?.patterns?.channels ?? {})).toEqual([ownFilesPattern(filesTagOf(bob.userId))]);
    expect(await status(sdk(bob.userId, after.token).publish({ channel: conversationPubnubChannel(conv), message: 'x' }))).toBe(403);
    const bobSeen = await notices(bob, ['member_removed', 'access_changed']);
    expect(bobSeen).toContainEqual(expect.objectContaining({ type: 'member_removed', conversationId: conv, userId: bob.userId }));
    expect(bobSeen).toContainEqual(expect.objectContaining({ type: 'access_changed' }));
    const aliceSeen = await notices(alice, ['rotation_needed']);
    expect(aliceSeen).toContainEqual(expect.objectContaining({ type: 'rotation_needed', conversationId: conv, reason: 'member_removed' }));
  });

  it('re-grants on membership change: a newly created conversation appears in the next token', async () => {
    const dave = await newActor(run.api, 'dave');
    const first = await tokenFor(dave);
    expect(first.readWrite).toEqual([]);
    const fresh = await createGroup(run.api, alice, [dave]);
    const second = await tokenFor(dave);
    expect(second.readWrite).toEqual([conversationPubnubChannel(fresh)]);
    expect((await notices(dave, ['member_added'])).map((n) => n.type)).toContain('member_added');
  });

  it('revoking a device revokes the user’s live tokens and tells them to fetch a new one', async () => {
    const erin = await newActor(run.api, 'erin', 2);
    const fresh = await createGroup(run.api, alice, [erin]);
    const live = await tokenFor(erin);
    const pn = sdk(erin.userId, live.token);
    expect(await status(pn.publish({ channel: conversationPubnubChannel(fresh), message: 'ok' }))).toBe(200);
    expect((await revokeDevice(run.api, erin, device(erin, 1).deviceId)).status).toBe(204);
    expect(await status(pn.publish({ channel: conversationPubnubChannel(fresh), message: 'revoked' }))).toBe(403);
    expect((await notices(erin, ['access_changed'])).map((n) => n.type)).toContain('access_changed');
  });
});
