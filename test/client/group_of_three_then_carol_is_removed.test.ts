/**
 * Scenarios: a group of three talks; then Alice removes Carol. Removal rotates at once (version 2 wraps
 * only Alice's and Bob's devices), and Carol can neither fetch version 2, nor subscribe to or read the
 * channel with her token, nor decrypt what is sent after — while Alice and Bob carry on.
 */
import PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { apiOf, cleanup, reads, registered, say, startWorld, waitFor } from './harness';

afterEach(cleanup);

describe('group of three then carol is removed', () => {
  it('three members read each other', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [bob.session().userId, carol.session().userId] });
    await say(alice, group.conversationId, 'from alice');
    await say(bob, group.conversationId, 'from bob');
    await say(carol, group.conversationId, 'from carol');
    for (const c of [alice, bob, carol]) {
      expect(await reads(c, group.conversationId, ['from alice', 'from bob', 'from carol'])).toEqual(['from alice', 'from bob', 'from carol']);
    }
  });

  it('removal rotates; the removed member cannot fetch the new version, subscribe, or read new messages', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const group = await alice.createConversation({ kind: 'group', name: 'trio', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId;
    await say(alice, id, 'before removal');
    await reads(carol, id, ['before removal']);

    const after = await alice.removeMember(id, carol.session().userId);
    expect(after.currentVersion).toBe(2);
    expect(after.needsRotation).toBe(false);
    expect(after.members.map((m) => m.userId)).not.toContain(carol.session().userId);

    await say(bob, id, 'after removal');
    expect(await reads(alice, id, ['before removal', 'after removal'])).toContain('after removal');

    await expect(carol.conversation(id)).rejects.toMatchObject({ status: 403 });
    await expect(carol.messageCrypto().seal(id, { id: 'msg-after-removal-1' as never, sentAt: 1, type: 'string', body: 'x' })).rejects.toMatchObject({
      status: 403,
    });

    const token = await apiOf(carol).request('getPubnubToken');
    expect(token.readWrite).not.toContain(conversationPubnubChannel(id));
    const raw = new PubNub({
      subscribeKey: 'sub-c-client',
      publishKey: 'pub-c-client',
      userId: carol.session().userId,
      origin: world.relay.origin,
      ssl: false,
    });
    raw.setToken(token.token);
    await expect(raw.fetchMessages({ channels: [conversationPubnubChannel(id)] })).rejects.toMatchObject({ status: { statusCode: 403 } });
    const statuses: string[] = [];
    raw.addListener({ status: (s) => statuses.push(String(s.error ?? s.category)) });
    raw.subscribe({ channels: [conversationPubnubChannel(id)] });
    await waitFor('subscribe refused', () => statuses.includes('PNAccessDeniedCategory'));
    raw.destroy(true);

    const carolApi = apiOf(carol);
    await expect(carolApi.request('getKeyVersion', { params: { conversationId: id, version: 2 } })).rejects.toMatchObject({ status: 403 });
    const sealed = await bob.messageCrypto().seal(id, { id: 'msg-after-removal-1' as never, sentAt: Date.now(), type: 'string', body: 'secret after removal' });
    expect(sealed).toMatchObject({ keyVersion: 2 });
    expect(await carol.messageCrypto().open(id, sealed)).toMatchObject({ kind: 'pending', keyVersion: 2 });
    expect(await bob.messageCrypto().open(id, sealed)).toMatchObject({ kind: 'ok' });
    const carolView = (await carol.messaging()).view(id);
    expect(carolView.items.some((i) => i.kind === 'message' && i.message.type === 'string' && i.message.body === 'after removal')).toBe(false);
  });
});
