/**
 * `membershipHistory` over the real desktop handlers, client core, key service and relay (the embedded
 * local stack): Alice creates a group with Bob, adds Carol, makes her an admin and removes Bob; the history
 * names each person the way the summaries name members, in chain order with the signing time, and marks
 * the contacts Alice met just now as new — in the history and in the summary's members — until she
 * verifies one. Arguments are checked by the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary, MembershipEventView } from '../../src/common/ipc/schemas/conversations';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-history');
const { suffix } = world;

let alice: DesktopProfile;
const ids: Record<string, string> = {};
const profiles: Record<string, DesktopProfile> = {};

beforeAll(async () => {
  alice = await world.profile('alice');
  for (const [name, p] of [
    ['Alice', alice],
    ['Bob', await world.profile('bob')],
    ['Carol', await world.profile('carol')],
  ] as const) {
    const s = (await p.call('register', {
      username: `${name.toLowerCase()}${suffix}`,
      displayName: name,
      password: 'correct horse battery',
      deviceName: `${name} laptop`,
    })) as { user: { userId: string } };
    ids[name] = s.user.userId;
    profiles[name] = p;
  }
}, 90_000);

afterAll(() => world.closeAll());

const who = (p: { displayName: string; isNew: boolean }) => `${p.displayName}${p.isNew ? '*' : ''}`;
function describeEvent(e: MembershipEventView): string {
  const c = e.change;
  switch (c.type) {
    case 'create':
      return `${who(e.actor)} create ${c.kind} ${c.historyPolicy} [${c.members.map((m) => `${who(m)}:${m.role}`).join(' ')}]${c.migrated ? ' migrated' : ''}`;
    case 'add':
    case 'role':
      return `${who(e.actor)} ${c.type} ${who(c.user)} ${c.role}`;
    case 'remove':
      return `${who(e.actor)} remove ${who(c.user)}`;
    case 'leave':
      return `${who(e.actor)} leave`;
    case 'history':
      return `${who(e.actor)} history ${c.historyPolicy}`;
    case 'disappearing':
      return `${who(e.actor)} disappearing ${c.seconds}`;
  }
}

describe('membershipHistory', () => {
  it('names people, keeps chain order and time, and marks new contacts until verified', async () => {
    const before = Date.now();
    const group = (await alice.call('createConversation', {
      kind: 'group',
      name: 'Launch',
      memberUserIds: [ids['Bob']],
      historyPolicy: 'joined',
    })) as ConversationSummary;
    const id = group.conversationId;
    expect(group.members.map((m) => [m.displayName, m.isNew])).toEqual(
      expect.arrayContaining([
        ['Alice', false],
        ['Bob', true],
      ]),
    );
    await alice.call('addMember', { conversationId: id, userId: ids['Carol'] });
    await alice.call('setMemberRole', { conversationId: id, userId: ids['Carol'], role: 'admin' });
    const after = (await alice.call('removeMember', { conversationId: id, userId: ids['Bob'] })) as ConversationSummary;
    expect(after.members.map((m) => [m.displayName, m.role, m.isNew])).toEqual(
      expect.arrayContaining([
        ['Alice', 'owner', false],
        ['Carol', 'admin', true],
      ]),
    );

    const history = (await alice.call('membershipHistory', id)) as MembershipEventView[];
    // A genesis lists its members sorted by user id (docs/protocol.md §15.1).
    const genesisMembers = [
      ['Alice', 'Alice:owner'],
      ['Bob', 'Bob*:member'],
    ]
      .sort(([a], [b]) => (ids[a!]! < ids[b!]! ? -1 : 1))
      .map(([, text]) => text);
    expect(history.map(describeEvent)).toEqual([
      `Alice create group joined [${genesisMembers.join(' ')}]`,
      'Alice add Carol* member',
      'Alice role Carol* admin',
      'Alice remove Bob*',
    ]);
    expect(history.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(history[0]!.actor.userId).toBe(ids['Alice']);
    for (const e of history) expect(e.at).toBeGreaterThanOrEqual(before - 60_000);
    expect([...history.map((e) => e.at)].sort((a, b) => a - b)).toEqual(history.map((e) => e.at));

    // Alice types the code Carol's device shows for Carol (docs/protocol.md §10.1).
    const carolCode = ((await profiles['Carol']!.call('contactTrust', ids['Alice'])) as { ownCode: string }).ownCode;
    await alice.call('markVerified', ids['Carol'], carolCode);
    const verified = (await alice.call('membershipHistory', id)) as MembershipEventView[];
    expect(verified.map(describeEvent)[1]).toBe('Alice add Carol member');
    const listed = (await alice.call('listConversations')) as ConversationSummary[];
    expect(listed.find((c) => c.conversationId === id)?.members.find((m) => m.displayName === 'Carol')?.isNew).toBe(false);
    expect(await alice.call('contactTrust', ids['Bob'])).toMatchObject({ isNew: true, state: 'unverified' });
  });

  it('refuses a malformed conversation id and an unknown conversation', async () => {
    await expect(alice.call('membershipHistory', 'not an id!')).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('membershipHistory', 'conv-missing-000000')).rejects.toBeTruthy();
  });
});
