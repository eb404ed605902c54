/**
 * Scenario: a member leaves. The key service marks the conversation for rotation; the next send by a
 * remaining member rotates first (inside `seal`), so the message uses a version the leaver never had.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, cleanup, reads, registered, say, startWorld } from './harness';

afterEach(cleanup);

describe('bob leaves and alice rotates before sending', () => {
  it('rotates inside the next send; the leaver cannot fetch the new version', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const group = await alice.createConversation({ kind: 'group', name: 'leaving', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId;
    await bob.leave(id);
    const marked = await alice.conversation(id);
    expect(marked).toMatchObject({ needsRotation: true, currentVersion: 1, rotationReason: 'member_left' });

    await say(alice, id, 'after bob left');
    const after = await alice.conversation(id);
    expect(after).toMatchObject({ needsRotation: false, currentVersion: 2 });
    expect(await reads(carol, id, ['after bob left'])).toEqual(['after bob left']);
    await expect(apiOf(bob).request('getKeyVersion', { params: { conversationId: id, version: 2 } })).rejects.toMatchObject({ status: 403 });
  });
});
