/**
 * Scenario: the client core evicts the keys of a conversation its user no longer reads (docs/client.md,
 * "Key ring"). Bob and carol read a group; alice removes carol — carol's core hears `member_removed` about
 * itself on its inbox and forgets the conversation's keys (zeroed, src/client/keyRing.ts `forget`); bob
 * leaves — his core forgets them as soon as the key service confirms. Alice, still a member, keeps hers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import type { Client } from '../../src/client/client';
import type { KeyRing } from '../../src/client/keyRing';
import { cleanup, reads, registered, say, startWorld, waitFor } from './harness';

afterEach(cleanup);

const ringOf = (client: Client): KeyRing => (client as unknown as { account: { ring: KeyRing } }).account.ring;

describe('carol is removed and bob leaves, then their keys are wiped', () => {
  it('a removed or leaving member holds no key of the conversation any more; the others keep theirs', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const group = await alice.createConversation({ kind: 'group', name: 'wiped', members: [bob.session().userId, carol.session().userId] });
    const id = group.conversationId as ConversationId;
    await say(alice, id, 'before');
    await reads(bob, id, ['before']);
    await reads(carol, id, ['before']);
    expect(ringOf(bob).heldVersions(id)).toEqual([1]);
    expect(ringOf(carol).heldVersions(id)).toEqual([1]);

    await alice.removeMember(id, carol.session().userId);
    await waitFor('carol to forget the group keys', () => ringOf(carol).heldVersions(id).length === 0);
    expect(ringOf(carol).held(id, 1)).toBeUndefined();

    await bob.leave(id);
    expect(ringOf(bob).heldVersions(id)).toEqual([]);
    expect(ringOf(alice).heldVersions(id)).toEqual([1, 2]);
  });
});
