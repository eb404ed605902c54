/**
 * Scenarios (docs/protocol.md §7.7, docs/messaging.md §Replies, edits and deletes): in a group of Alice, Bob
 * and Mallory, through the real relay with tokens enforced and the real key service, a reply, an edit and a
 * delete for everyone travel as sealed, signed envelopes and Bob sees each. Then the attacks, each refused
 * with a typed error and changing nothing on Bob's side:
 * - Mallory, a member, asks her own client to edit or delete Alice's message: `not_author` before sealing;
 * - Mallory seals and publishes an edit and a delete of Alice's message herself (valid signatures, her own
 *   device): Bob's client refuses both (`not_author`) and Alice's text stays;
 * - Mallory replays Alice's older (genuinely signed) edit after Alice's newer one: the newer text stays;
 * - Carol, removed from the group, still holds key version 1 and seals an edit of her own earlier message:
 *   the relay refuses her publish, and Bob's client refuses the envelope anyway (`sender_removed`).
 */
import PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId } from '../../src/common/ids';
import type { Messaging } from '../../src/common/messaging/messaging';
import type { MessageItem } from '../../src/common/messaging/timelineItem';
import { chatActionPlaintext } from '../../src/common/protocol/chatAction';
import { sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { cleanup, provider, rawPubnub, reads, registeredAll, say, signedInOf, startWorld, waitFor } from './harness';

afterEach(cleanup);

function messageWith(messaging: Messaging, conversationId: ConversationId, id: MessageId): MessageItem | undefined {
  return messaging.view(conversationId).items.find((i): i is MessageItem => i.kind === 'message' && i.id === id);
}

function idOf(messaging: Messaging, conversationId: ConversationId, text: string): MessageId {
  const item = messaging.view(conversationId).items.find((i): i is MessageItem => i.kind === 'message' && i.message.body === text);
  if (item === undefined) throw new Error(`no message ${text}`);
  return item.id;
}

describe('only the author edits or deletes a message', () => {
  it('a reply, an edit and a delete for everyone reach the other member; forged and replayed ones are refused', async () => {
    const world = await startWorld();
    const [alice, bob, mallory] = await registeredAll(world, 'alice', 'bob', 'mallory');
    const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [bob.session().userId, mallory.session().userId] });
    const id = group.conversationId;
    await say(alice, id, 'the original');
    await say(alice, id, 'to be deleted');
    await reads(bob, id, ['the original', 'to be deleted']);
    await reads(mallory, id, ['the original', 'to be deleted']);
    const [am, bm, mm] = [await alice.messaging(), await bob.messaging(), await mallory.messaging()];
    const original = idOf(am, id, 'the original');
    const doomed = idOf(am, id, 'to be deleted');

    // A reply quotes the original.
    expect(await bm.reply(id, original, 'a reply from bob')).toMatchObject({ state: 'sent' });
    await reads(alice, id, ['a reply from bob']);
    const reply = am.view(id).items.find((i): i is MessageItem => i.kind === 'message' && i.message.body === 'a reply from bob');
    expect(reply?.replyTo).toEqual({ id: original, original: expect.objectContaining({ text: 'the original', senderUser: alice.session().userId }) });

    // Alice edits twice and deletes one of her messages; Bob sees each.
    await am.edit(id, original, 'edited once');
    await am.edit(id, original, 'edited twice');
    await am.deleteForEveryone(id, doomed);
    await waitFor(
      'bob sees the edit and the delete',
      () => messageWith(bm, id, original)?.message.body === 'edited twice' && messageWith(bm, id, doomed)?.deleted === true,
    );
    expect(messageWith(bm, id, original)).toMatchObject({
      edited: true,
      versions: [{ text: 'the original' }, { text: 'edited once' }, { text: 'edited twice' }],
    });
    expect(messageWith(bm, id, doomed)?.message.body).toBe('');
    const replyAtBob = bm.view(id).items.find((i): i is MessageItem => i.kind === 'message' && i.message.body === 'a reply from bob');
    expect(replyAtBob?.replyTo?.original?.text).toBe('edited twice');

    // Attack 1: Mallory's own client will not edit or delete Alice's message.
    await expect(mm.edit(id, original, 'mallory was here')).rejects.toMatchObject({ code: 'not_author' });
    await expect(mm.deleteForEveryone(id, original)).rejects.toMatchObject({ code: 'not_author' });

    // Attack 2: Mallory seals and publishes them herself, signed by her own (certified) device.
    const raw = await rawPubnub(world, mallory);
    const channel = conversationPubnubChannel(id);
    const forgedEdit = chatActionPlaintext({ kind: 'edit', target: original, text: 'mallory was here' }, 'forged-edit-0001' as MessageId, Date.now() + 60_000);
    const forgedDelete = chatActionPlaintext({ kind: 'delete', target: original }, 'forged-delete-001' as MessageId, Date.now() + 60_000);
    const editTt = String(
      (await raw.publish({ channel, message: (await mallory.messageCrypto().seal(id, forgedEdit, 'edit')) as PubNub.Payload, storeInHistory: true })).timetoken,
    );
    const deleteTt = String(
      (await raw.publish({ channel, message: (await mallory.messageCrypto().seal(id, forgedDelete, 'delete')) as PubNub.Payload, storeInHistory: true }))
        .timetoken,
    );
    await waitFor('bob refuses both', () => bm.view(id).items.filter((i) => i.kind === 'rejected' && i.code === 'not_author').length === 2);
    expect(
      bm
        .view(id)
        .items.filter((i) => i.kind === 'rejected')
        .map((i) => i.timetoken)
        .sort(),
    ).toEqual([editTt, deleteTt].sort());
    expect(messageWith(bm, id, original)).toMatchObject({
      message: { body: 'edited twice' },
      versions: [{ text: 'the original' }, { text: 'edited once' }, { text: 'edited twice' }],
    });
    expect(messageWith(bm, id, original)?.deleted).toBeUndefined();

    // Attack 3: Mallory replays Alice's first edit (genuinely signed by Alice's device) from history.
    const history = await raw.fetchMessages({ channels: [channel], count: 100 });
    const entries = history.channels[channel] ?? [];
    const firstEdit = entries.filter((e) => (e.message as { type?: unknown }).type === 'edit')[0];
    expect(firstEdit).toBeDefined();
    const replayTt = String((await raw.publish({ channel, message: firstEdit!.message, storeInHistory: true })).timetoken);
    await waitFor('bob received the replay', () => bm.view(id).lastTimetoken !== undefined && BigInt(bm.view(id).lastTimetoken!) >= BigInt(replayTt));
    expect(messageWith(bm, id, original)?.message.body).toBe('edited twice');
    raw.destroy(true);
  });

  it('a removed member cannot edit her earlier message: the relay refuses the publish and receivers refuse the envelope', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = await registeredAll(world, 'alice', 'bob', 'carol');
    const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId;
    await say(carol, id, 'carol wrote this');
    await reads(bob, id, ['carol wrote this']);
    const bm = await bob.messaging();
    const target = idOf(bm, id, 'carol wrote this');
    const raw = await rawPubnub(world, carol);
    // Carol keeps a copy of version 1 (her client wipes it on removal; a modified one would not).
    const parts = signedInOf(carol);
    const key = Uint8Array.from(parts.ring.held(id, 1)!);
    await alice.removeMember(id, carol.session().userId);
    await say(alice, id, 'after removal');
    await reads(bob, id, ['after removal']); // Bob now holds version 2, which leaves Carol out

    // With version 1 and her device key, she seals an edit of her own message.
    const envelope = await sealEnvelope(provider, {
      type: 'edit',
      conversationId: id,
      keyVersion: 1,
      key,
      senderDevice: parts.identity.deviceId,
      signingPrivateKey: parts.identity.device.ed25519.privateKey,
      plaintext: chatActionPlaintext({ kind: 'edit', target, text: 'rewritten after removal' }, 'late-edit-00001' as MessageId, Date.now()),
      channel: conversationPubnubChannel(id),
    });
    await expect(raw.publish({ channel: conversationPubnubChannel(id), message: envelope as PubNub.Payload })).rejects.toMatchObject({
      status: { statusCode: 403 },
    });
    raw.destroy(true);
    // Delivered anyway (by the relay, or by someone who kept it): refused, as relayed after her removal.
    const now = `${BigInt(Date.now() + 10 * 60_000) * 10_000n}`;
    expect(await bob.messageCrypto().open(id, envelope, { timetoken: now })).toMatchObject({ kind: 'rejected', code: 'sender_removed' });
    expect(messageWith(bm, id, target)?.message.body).toBe('carol wrote this');
  });
});
