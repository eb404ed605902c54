/**
 * Scenario: Alice and Bob register on separate profiles, Alice opens a direct conversation (key version 1
 * created, signed and wrapped by her device; Bob verifies it from the public record and his own wrap), and
 * both send and read, through the real relay with tokens enforced and the real key service.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UserId } from '../../src/common/ids';
import { cleanup, reads, registered, say, startWorld } from './harness';

afterEach(cleanup);

describe('alice and bob message both ways', () => {
  it('creates a DM, each side reads what the other sent', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const bobUser = await alice.findUser(bob.session().username);
    expect(bobUser.userId).toBe(bob.session().userId);

    const dm = await alice.createConversation({ kind: 'direct', members: [bobUser.userId as UserId] });
    expect(dm.currentVersion).toBe(1);
    expect(dm.members.map((m) => m.userId).sort()).toEqual([alice.session().userId, bob.session().userId].sort());

    await say(alice, dm.conversationId, 'hello bob');
    expect(await reads(bob, dm.conversationId, ['hello bob'])).toEqual(['hello bob']);
    await say(bob, dm.conversationId, 'hi alice');
    expect(await reads(alice, dm.conversationId, ['hello bob', 'hi alice'])).toEqual(['hello bob', 'hi alice']);

    const bobSees = (await bob.conversations()).map((c) => c.conversationId);
    expect(bobSees).toContain(dm.conversationId);
    expect((await bob.contactTrust(alice.session().userId)).state).toBe('unverified');
  });

  it('refuses a direct conversation with two others, changing nothing', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const carol = await registered(world, 'carol');
    await expect(alice.createConversation({ kind: 'direct', members: [bob.session().userId, carol.session().userId] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(await alice.conversations()).toEqual([]);
  });
});
