/**
 * Scenario: concurrent rotations. Alice (owner) and Bob (admin) rotate the same conversation at the same
 * moment, several times over: each pair of submissions of version N+1 has one winner; the loser gets 409,
 * re-reads and uses the winner's version. Versions stay contiguous, and every message sealed by either
 * side under any version is readable by all members — nothing unreadable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, reads, registeredAll, say, startWorld } from './harness';

afterEach(cleanup);

describe('two admins rotate at once', () => {
  it('one wins each round, the other retries, and every message stays readable', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = await registeredAll(world, 'alice', 'bob', 'carol');
    const group = await alice.createConversation({ kind: 'group', name: 'admins', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId;
    await alice.setMemberRole(id, bob.session().userId, 'admin');

    const sent: string[] = [];
    for (let round = 0; round < 4; round++) {
      const [a, b] = await Promise.all([alice.rotate(id), bob.rotate(id)]);
      const current = (await alice.conversation(id)).currentVersion;
      expect([a, b]).toContain(current);
      expect(Math.max(a, b)).toBe(current);
      await say(alice, id, `alice round ${round}`);
      await say(bob, id, `bob round ${round}`);
      sent.push(`alice round ${round}`, `bob round ${round}`);
    }
    const final = await alice.conversation(id);
    expect(final.currentVersion).toBeGreaterThanOrEqual(5);
    expect(final.currentVersion).toBeLessThanOrEqual(9);
    for (const c of [alice, bob, carol]) expect(await reads(c, id, sent)).toEqual(sent);
  });

  it('two admins removing two members at once both end in a rotated conversation without them', async () => {
    const world = await startWorld();
    const [alice, bob, carol, dave] = await registeredAll(world, 'alice', 'bob', 'carol', 'dave');
    const group = await alice.createConversation({
      kind: 'group',
      name: 'four',
      members: [bob.session().userId, carol.session().userId, dave.session().userId],
    });
    const id = group.conversationId;
    await alice.setMemberRole(id, bob.session().userId, 'admin');
    await Promise.all([alice.removeMember(id, carol.session().userId), bob.removeMember(id, dave.session().userId)]);
    const info = await alice.conversation(id);
    expect(info.needsRotation).toBe(false);
    expect(info.members.map((m) => m.userId).sort()).toEqual([alice.session().userId, bob.session().userId].sort());
    await say(bob, id, 'just us');
    await reads(alice, id, ['just us']);
    await expect(carol.conversation(id)).rejects.toMatchObject({ status: 403 });
    await expect(dave.conversation(id)).rejects.toMatchObject({ status: 403 });
  });
});
