/**
 * The clear Mobile Push part (docs/messaging.md "Push for mobile") as it lands in the channel's history:
 * with the managed policy `pushPayload` = `generic`, message and reply envelopes carry exactly the generic
 * `pn_apns` / `pn_fcm` (no text, no sender, no key version) and still open on the other side; an edit
 * carries none; with the policy off nothing carries one. The policy is read at every seal.
 */
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushPayload } from '../../src/common/policy/values';
import { genericPushMetadata } from '../../src/common/protocol/genericPush';
import { cleanup, newClient, PASSWORD, PUB, reads, registered, say, SECRET, startWorld, SUB, uniqueName, type World } from './harness';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(cleanup);

describe('only messages and replies carry the push part', { timeout: 60_000 }, () => {
  it('adds the generic part under the policy, to messages and replies only', async () => {
    let mode: PushPayload = 'generic';
    const alice = await newClient(world, 'Alice laptop', { pushPayload: () => mode });
    await alice.register({ username: uniqueName('alice'), password: PASSWORD, displayName: 'Alice' });
    const bob = await registered(world, 'bob');
    const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId] });
    const id = dm.conversationId;

    await say(alice, id, 'first secret');
    const messaging = await alice.messaging();
    const first = messaging.view(id).items.find((i) => i.kind === 'message');
    if (first?.kind !== 'message') throw new Error('no message in the view');
    expect(await messaging.reply(id, first.message.id, 'a secret reply')).toMatchObject({ state: 'sent' });
    await messaging.edit(id, first.message.id, 'edited secret');
    mode = 'off';
    await say(alice, id, 'no push for this one');

    const server = new PubNub({ publishKey: PUB, subscribeKey: SUB, secretKey: SECRET, userId: 'inspector', origin: world.relay.origin, ssl: false });
    try {
      const history = await server.fetchMessages({ channels: [`conv.${id}`], count: 25 });
      const envelopes = (history.channels[`conv.${id}`] ?? []).map((m) => m.message as Record<string, unknown>);
      expect(envelopes.map((e) => e.type)).toEqual(['message', 'reply', 'edit', 'message']);
      const generic = genericPushMetadata(id);
      expect(envelopes.map((e) => ({ pn_apns: e.pn_apns, pn_fcm: e.pn_fcm }))).toEqual([
        generic,
        generic,
        { pn_apns: undefined, pn_fcm: undefined },
        { pn_apns: undefined, pn_fcm: undefined },
      ]);
    } finally {
      server.destroy(true);
    }
    // The receiver opens every one of them.
    await reads(bob, id, ['edited secret', 'no push for this one']);
  });
});
