/**
 * Scenario: adding a member under each history policy. Under `shared` the new member receives wraps of
 * every version, each with alice's signed grant (docs/protocol.md §6.5), verifies them and reads the whole
 * history (across a rotation); under `joined` they receive only the
 * current version: they read what is sent after joining, and earlier messages stay "cannot decrypt".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, cleanup, reads, registered, say, startWorld, waitFor } from './harness';

afterEach(cleanup);

describe('alice adds dave under shared and joined history', () => {
  it('shared: dave reads every earlier message, from every key version', async () => {
    const world = await startWorld();
    const [alice, bob, dave] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'dave')];
    const group = await alice.createConversation({ kind: 'group', name: 'shared', historyPolicy: 'shared', members: [bob.session().userId] });
    await say(alice, group.conversationId, 'v1 message');
    expect(await alice.rotate(group.conversationId)).toBe(2);
    await say(bob, group.conversationId, 'v2 message');

    const added = await alice.addMember(group.conversationId, dave.session().userId);
    expect(added.members.map((m) => m.userId)).toContain(dave.session().userId);
    expect(await reads(dave, group.conversationId, ['v1 message', 'v2 message'])).toEqual(['v1 message', 'v2 message']);
    const history = await apiOf(dave).request('listKeyVersions', { params: { conversationId: group.conversationId } });
    expect(history.versions.map((v) => [v.version, v.grants.map((g) => g.grantedBy)])).toEqual([
      [1, [alice.session().deviceId]],
      [2, [alice.session().deviceId]],
    ]);
    await say(dave, group.conversationId, 'dave here');
    await reads(alice, group.conversationId, ['dave here']);
  });

  it('joined: dave reads from the version current when he joined; older messages stay pending', async () => {
    const world = await startWorld();
    const [alice, bob, dave] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'dave')];
    const group = await alice.createConversation({ kind: 'group', name: 'joined', historyPolicy: 'joined', members: [bob.session().userId] });
    const id = group.conversationId;
    await say(alice, id, 'before dave');
    expect(await alice.rotate(id)).toBe(2);
    await alice.addMember(id, dave.session().userId);
    await say(bob, id, 'after dave joined');

    expect(await reads(dave, id, ['after dave joined'])).toEqual(['after dave joined']);
    const view = (await dave.messaging()).view(id);
    await waitFor('scrolled to the start', async () => {
      await (await dave.messaging()).loadOlder(id);
      return (await dave.messaging()).view(id).reachedStart;
    });
    const pending = (await dave.messaging()).view(id).items.filter((i) => i.kind === 'pending');
    expect(pending).toHaveLength(1);
    expect(view.items.some((i) => i.kind === 'message' && i.message.type === 'string' && i.message.body === 'before dave')).toBe(false);
    await expect(apiOf(dave).request('getKeyVersion', { params: { conversationId: id, version: 1 } })).rejects.toMatchObject({
      status: 403,
      code: 'before_membership',
    });
  });
});
