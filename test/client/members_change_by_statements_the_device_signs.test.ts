/**
 * Scenarios: the client core's write side of membership statements (docs/protocol.md §15, docs/client.md).
 * Creating a group and every member change through the `Client` facade is a statement the acting device
 * signed after the head; the chain the key service serves verifies from the genesis and yields the members
 * the service shows, the owner's successor included, and every key version names its head. A group made
 * before statements existed keeps working; an admin cannot change its members until its owner's device
 * signs the migrated genesis, which it does on first use, and rotates to a key bound to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId } from '../../src/common/ids';
import { extendMembership } from '../../src/common/protocol/membershipChain';
import { legacyConversation } from '../server/helpers/legacy';
import { apiOf, cleanup, legacyVersionOne, provider, reads, registeredAll, say, startWorld } from './harness';

afterEach(cleanup);

const uid = (client: Client) => client.session().userId;

/** The chain as `reader` reads it, verified from the genesis; its members by role. */
async function verifiedMembers(reader: Client, conversationId: ConversationId) {
  const api = apiOf(reader);
  const page = await api.request('getMembership', { params: { conversationId } });
  const { state, added } = await extendMembership(provider, {
    conversationId,
    from: null,
    statements: page.statements,
    servedHead: page.head,
    signerOf: async (actor, actorDevice) => {
      const [{ device }, user] = await Promise.all([
        api.request('getDevice', { params: { deviceId: actorDevice } }),
        api.request('getUser', { params: { userId: actor } }),
      ]);
      return { certificate: device.certificate, accountKey: fromBase64Url(user.identityKey ?? '') };
    },
  });
  return { members: Object.fromEntries([...state.members].map(([u, m]) => [u, m.role])), head: state.head, added };
}

describe('members change by statements the device signs', () => {
  it('create, add, role, remove and leave are signed statements; the verified chain is what the service shows', async () => {
    const world = await startWorld();
    const [alice, bob, carol, dave] = await registeredAll(world, 'alice', 'bob', 'carol', 'dave');
    const [b, c, d] = [uid(bob), uid(carol), uid(dave)];
    const group = await alice.createConversation({ kind: 'group', name: 'signed', members: [b, c] });
    const id = group.conversationId;
    await alice.setMemberRole(id, b, 'admin');
    await bob.addMember(id, d);
    await bob.removeMember(id, c);
    await alice.leave(id);

    const { members, head, added } = await verifiedMembers(dave, id);
    expect(added.map((s) => [s.statement.change.type, s.statement.actorDevice])).toEqual([
      ['create', alice.session().deviceId],
      ['role', alice.session().deviceId],
      ['add', bob.session().deviceId],
      ['remove', bob.session().deviceId],
      ['leave', alice.session().deviceId],
    ]);
    expect(members).toEqual({ [b]: 'owner', [d]: 'member' });
    const view = await bob.conversation(id);
    expect(Object.fromEntries(view.members.map((m) => [m.userId, m.role]))).toEqual(members);
    expect(view.membershipHead).toEqual(head);

    await say(bob, id, 'after alice left');
    expect(await reads(dave, id, ['after alice left'])).toEqual(['after alice left']);
    const latest = await apiOf(dave).request('getLatestKeyVersion', { params: { conversationId: id } });
    expect(latest.record.membership).toEqual(head);
  });

  it("a legacy group works as before; an admin's change waits for the owner's device, which migrates it on first use", async () => {
    const world = await startWorld();
    const [alice, bob, carol, dave] = await registeredAll(world, 'alice', 'bob', 'carol', 'dave');
    const [a, b, c] = [uid(alice), uid(bob), uid(carol)];
    const id = await legacyConversation({ dataDir: world.serviceDir, cleanup: () => undefined }, [
      { userId: a, role: 'owner' },
      { userId: b, role: 'admin' },
      { userId: c, role: 'member' },
    ]);
    await legacyVersionOne(alice, id);
    await say(bob, id, 'before the chain');
    await expect(bob.addMember(id, uid(dave))).rejects.toMatchObject({ code: 'membership_unmigrated', category: 'conflict' });
    expect((await bob.conversation(id)).membershipHead).toBeNull();

    await say(alice, id, 'alice was here');
    const migrated = await verifiedMembers(carol, id);
    expect(migrated.added.map((s) => s.statement.change)).toEqual([expect.objectContaining({ type: 'create', migrated: true })]);
    expect(migrated.members).toEqual({ [a]: 'owner', [b]: 'admin', [c]: 'member' });
    const rotated = await alice.conversation(id);
    expect(rotated).toMatchObject({ currentVersion: 2, needsRotation: false });
    const latest = await apiOf(carol).request('getLatestKeyVersion', { params: { conversationId: id } });
    expect(latest.record.membership).toEqual(migrated.head);

    await bob.addMember(id, uid(dave));
    expect(await reads(dave, id, ['before the chain', 'alice was here'])).toEqual(['before the chain', 'alice was here']);
    expect((await verifiedMembers(dave, id)).head.seq).toBe(1);
  });
});
