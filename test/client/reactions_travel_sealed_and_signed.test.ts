/**
 * Scenarios (docs/protocol.md §7.7 `reaction`, docs/messaging.md §Receipts and reactions): through the real
 * relay with tokens enforced and the real key service, Bob's reaction travels as a sealed, signed `reaction`
 * envelope — no emoji and no clear message action on the relay — and Alice sees it attributed to Bob, then
 * its removal; it is never an item, never unread; his add replayed after his remove changes nothing. Then the attacks, each refused and changing nothing:
 * - Mallory seals a reaction whose header names Bob's device but signs it with her own key: `bad_signature`;
 *   her genuinely signed reaction counts as hers (the verified sender decides, not what anyone claims);
 * - Mallory adds a clear `reaction` message action through the SDK with her own token: not shown;
 * - a reaction naming a message of another conversation shows nothing, and Bob's reaction envelope replayed
 *   into another conversation is refused (the conversation id is in the AAD and the signature);
 * - Carol, removed from the group, seals a reaction with the key version 1 she kept: the relay refuses her
 *   publish and receivers refuse the envelope (`sender_removed`); Dave, never a member, signing with that key
 *   is refused too.
 */
import PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId } from '../../src/common/ids';
import type { Messaging } from '../../src/common/messaging/messaging';
import type { MessageItem, Reaction } from '../../src/common/messaging/timelineItem';
import { chatActionPlaintext } from '../../src/common/protocol/chatAction';
import { sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import type { Client } from '../../src/client/client';
import { cleanup, provider, rawPubnub, reads, registeredAll, say, signedInOf, startWorld, waitFor } from './harness';

afterEach(cleanup);

function messageWith(messaging: Messaging, conversationId: ConversationId, text: string): MessageItem {
  const item = messaging.view(conversationId).items.find((i): i is MessageItem => i.kind === 'message' && i.message.body === text);
  if (item === undefined) throw new Error(`no message ${text}`);
  return item;
}

function reactionsOn(messaging: Messaging, conversationId: ConversationId, text: string): Reaction[] {
  return [...messageWith(messaging, conversationId, text).reactions];
}

describe('reactions travel sealed and signed', () => {
  it("bob's reaction reaches alice as his; forged, clear and misdirected ones are not shown", async () => {
    const world = await startWorld();
    const [alice, bob, mallory] = await registeredAll(world, 'alice', 'bob', 'mallory');
    const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [bob.session().userId, mallory.session().userId] });
    const other = await alice.createConversation({ kind: 'group', name: 'elsewhere', members: [bob.session().userId, mallory.session().userId] });
    const id = group.conversationId;
    await say(alice, id, 'hello');
    await say(alice, other.conversationId, 'in another conversation');
    await reads(alice, id, ['hello']);
    await reads(alice, other.conversationId, ['in another conversation']);
    await reads(bob, id, ['hello']);
    await reads(mallory, id, ['hello']);
    await reads(bob, other.conversationId, ['in another conversation']);
    const [am, bm, mm] = [await alice.messaging(), await bob.messaging(), await mallory.messaging()];
    const hello = messageWith(am, id, 'hello');
    const channel = conversationPubnubChannel(id);
    const bobUser = bob.session().userId;
    const malloryUser = mallory.session().userId;

    // Bob reacts: Alice sees it as Bob's; it is no item and nothing unread for her.
    const itemsBefore = am.view(id).items.length;
    await bm.react(id, hello.timetoken!, '👍🏽');
    expect(reactionsOn(bm, id, 'hello')).toEqual([{ value: '👍🏽', actors: [bobUser], mine: true }]);
    await waitFor('alice sees bob react', () => reactionsOn(am, id, 'hello').length === 1);
    expect(reactionsOn(am, id, 'hello')).toEqual([{ value: '👍🏽', actors: [bobUser], mine: false }]);
    expect(am.view(id).items).toHaveLength(itemsBefore);
    expect(am.view(id).unread).toBe(0);

    // On the relay: a `reaction` envelope, no emoji in clear, no message action.
    const raw = await rawPubnub(world, mallory);
    const history = await raw.fetchMessages({ channels: [channel], count: 100, includeMessageActions: true });
    const entries = history.channels[channel] ?? [];
    const reactionEntries = entries.filter((e) => (e.message as { type?: unknown }).type === 'reaction');
    expect(reactionEntries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain('👍🏽');
    expect(entries.every((e) => (e as { actions?: Record<string, unknown> }).actions?.reaction === undefined)).toBe(true);

    // Bob removes it.
    await bm.unreact(id, hello.timetoken!, '👍🏽');
    await waitFor('alice sees the removal', () => reactionsOn(am, id, 'hello').length === 0);
    // Mallory replays Bob's (genuinely signed) add after his remove: the newer (sentAt, id) decides, it stays removed.
    const replayedAdd = String((await raw.publish({ channel, message: reactionEntries[0]!.message, storeInHistory: true })).timetoken);
    await waitFor('alice received the replay', () => BigInt(am.view(id).lastTimetoken ?? '0') >= BigInt(replayedAdd));
    expect(reactionsOn(am, id, 'hello')).toEqual([]);

    // Attack 1: Mallory's envelope names Bob's device but is signed with her own key.
    const m = signedInOf(mallory);
    const key = Uint8Array.from(m.ring.held(id, 1)!);
    const forged = await sealEnvelope(provider, {
      type: 'reaction',
      conversationId: id,
      keyVersion: 1,
      key,
      senderDevice: signedInOf(bob).identity.deviceId,
      signingPrivateKey: m.identity.device.ed25519.privateKey,
      plaintext: chatActionPlaintext({ kind: 'reaction', target: hello.id, value: '💩', op: 'add' }, 'forged-react-0001' as MessageId, Date.now()),
      channel,
    });
    const forgedTt = String((await raw.publish({ channel, message: forged as PubNub.Payload, storeInHistory: true })).timetoken);
    await waitFor('alice refuses the forgery', () => am.view(id).items.some((i) => i.kind === 'rejected' && i.timetoken === forgedTt));
    expect(am.view(id).items.find((i) => i.kind === 'rejected' && i.timetoken === forgedTt)).toMatchObject({ code: 'bad_signature' });
    expect(reactionsOn(am, id, 'hello')).toEqual([]);

    // Mallory's own, genuinely signed reaction counts as hers.
    await mm.react(id, hello.timetoken!, '👀');
    await waitFor('alice sees mallory react', () => reactionsOn(am, id, 'hello').length === 1);
    expect(reactionsOn(am, id, 'hello')).toEqual([{ value: '👀', actors: [malloryUser], mine: false }]);

    // Attack 2: a clear `reaction` message action through the SDK, with Mallory's own token.
    await raw.addMessageAction({ channel, messageTimetoken: hello.timetoken!, action: { type: 'reaction', value: '🔥' } });
    await say(mallory, id, 'after the clear action');
    await reads(alice, id, ['after the clear action']);
    const listed = await raw.fetchMessages({ channels: [channel], count: 100, includeMessageActions: true });
    expect(JSON.stringify(listed.channels[channel])).toContain('🔥'); // it is on the relay…
    expect(reactionsOn(am, id, 'hello')).toEqual([{ value: '👀', actors: [malloryUser], mine: false }]); // …and not shown

    // Attack 3: a reaction in this conversation naming a message of the other one shows nothing anywhere.
    const elsewhere = messageWith(am, other.conversationId, 'in another conversation');
    const b = signedInOf(bob);
    const misdirected = await sealEnvelope(provider, {
      type: 'reaction',
      conversationId: id,
      keyVersion: 1,
      key: Uint8Array.from(b.ring.held(id, 1)!),
      senderDevice: b.identity.deviceId,
      signingPrivateKey: b.identity.device.ed25519.privateKey,
      plaintext: chatActionPlaintext({ kind: 'reaction', target: elsewhere.id, value: '🎯', op: 'add' }, 'misdirected-0001' as MessageId, Date.now()),
      channel,
    });
    const bobRaw = await rawPubnub(world, bob);
    const misdirectedTt = String((await bobRaw.publish({ channel, message: misdirected as PubNub.Payload, storeInHistory: true })).timetoken);
    await waitFor('alice received it', () => BigInt(am.view(id).lastTimetoken ?? '0') >= BigInt(misdirectedTt));
    expect(am.view(id).items.some((i) => i.kind === 'message' && i.reactions.some((r) => r.value === '🎯'))).toBe(false);
    expect(reactionsOn(am, other.conversationId, 'in another conversation')).toEqual([]);
    // Bob's reaction envelope replayed into the other conversation does not open there.
    const otherChannel = conversationPubnubChannel(other.conversationId);
    expect(await alice.messageCrypto().open(other.conversationId, misdirected, { timetoken: misdirectedTt })).toMatchObject({ kind: 'rejected' });
    const replayTt = String((await bobRaw.publish({ channel: otherChannel, message: reactionEntries[0]!.message, storeInHistory: true })).timetoken);
    await waitFor('alice refuses the replay', () => am.view(other.conversationId).items.some((i) => i.kind === 'rejected' && i.timetoken === replayTt));
    expect(reactionsOn(am, other.conversationId, 'in another conversation')).toEqual([]);
    raw.destroy(true);
    bobRaw.destroy(true);
  });

  it('a removed member and an outsider cannot react: the relay refuses the publish and receivers refuse the envelope', async () => {
    const world = await startWorld();
    const [alice, bob, carol, dave] = await registeredAll(world, 'alice', 'bob', 'carol', 'dave');
    const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId;
    await say(alice, id, 'before removal');
    await reads(bob, id, ['before removal']);
    await reads(carol, id, ['before removal']);
    const bm = await bob.messaging();
    const target = messageWith(bm, id, 'before removal');
    const raw = await rawPubnub(world, carol);
    // Carol keeps a copy of version 1 (her client wipes it on removal; a modified one would not).
    const parts = signedInOf(carol);
    const key = Uint8Array.from(parts.ring.held(id, 1)!);
    await alice.removeMember(id, carol.session().userId);
    await say(alice, id, 'after removal');
    await reads(bob, id, ['after removal']);

    const sealAs = (who: Client, reactionId: string) => {
      const p = signedInOf(who);
      return sealEnvelope(provider, {
        type: 'reaction',
        conversationId: id,
        keyVersion: 1,
        key,
        senderDevice: p.identity.deviceId,
        signingPrivateKey: p.identity.device.ed25519.privateKey,
        plaintext: chatActionPlaintext({ kind: 'reaction', target: target.id, value: '🙃', op: 'add' }, reactionId as MessageId, Date.now()),
        channel: conversationPubnubChannel(id),
      });
    };
    const fromCarol = await sealAs(carol, 'late-react-00001');
    await expect(raw.publish({ channel: conversationPubnubChannel(id), message: fromCarol as PubNub.Payload })).rejects.toMatchObject({
      status: { statusCode: 403 },
    });
    raw.destroy(true);
    // Delivered anyway (by the relay, or by someone who kept it): refused, as relayed after her removal.
    const now = `${BigInt(Date.now() + 10 * 60_000) * 10_000n}`;
    expect(await bob.messageCrypto().open(id, fromCarol, { timetoken: now })).toMatchObject({ kind: 'rejected', code: 'sender_removed' });
    // Dave, never a member, signing with a key Carol handed him.
    const fromDave = await sealAs(dave, 'outsider-react-01');
    const refused = await bob.messageCrypto().open(id, fromDave, { timetoken: now });
    expect(refused).toMatchObject({ kind: 'rejected', code: 'signer_not_member' });
    expect(messageWith(bm, id, 'before removal').reactions).toEqual([]);
  });
});
