/**
 * A compromised renderer on Alice's desktop tries to defeat `requireVerifiedContacts` and a key-change
 * warning (docs/threat-model.md, "A compromised renderer"; docs/protocol.md §10.1), over the real desktop handlers,
 * client core, key service and relay of an embedded local stack and the real keychain. The page drives
 * the bridge dispatch directly, as injected script would.
 *
 * - The page is given only Alice's own half of the safety number, never Bob's; marking Bob verified needs
 *   Bob's code as his device shows it: none, Alice's own, or made-up digits are refused with typed errors
 *   and change nothing, and the policy still blocks sending to him and adding an unverified member.
 * - Accepting a changed identity key needs the code of the NEW key: a key the key service substituted
 *   does not match what the real Bob's device shows, so the warning stays and sending stays blocked.
 * - With the code from Bob's device (his 30 digits, or the whole 60-digit number) it works.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import type { ProfileState } from '../../src/client/profileState';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-keyrelease-verify');
const { suffix } = world;
const password = 'correct horse battery';
let alice: DesktopProfile;
let bob: DesktopProfile;
let carol: DesktopProfile;
const ids: Record<string, string> = {};

type Trust = { state: string; ownCode: string };
const trustOf = async (p: DesktopProfile, userId: string) => (await p.call('contactTrust', userId)) as Trust;
const message = (body = 'hello') => ({ id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body });

beforeAll(async () => {
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: { requireVerifiedContacts: true } }));
  alice = await world.profile('alice', { policy });
  bob = await world.profile('bob');
  carol = await world.profile('carol');
  for (const [name, p] of [
    ['alice', alice],
    ['bob', bob],
    ['carol', carol],
  ] as const) {
    const s = (await p.call('register', { username: `${name}${suffix}`, displayName: name, password, deviceName: `${name} laptop` })) as {
      user: { userId: string };
    };
    ids[name] = s.user.userId;
  }
}, 90_000);

afterAll(() => world.closeAll());

describe('a compromised renderer verifying a contact', () => {
  it('is given only its own code; none, its own or made-up digits do not verify Bob, and the policy still blocks', async () => {
    const bobId = ids['bob']!;
    const dm = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [bobId] })) as { conversationId: string };
    const seen = (await alice.call('contactTrust', bobId)) as Record<string, unknown>;
    expect(Object.keys(seen).sort()).toEqual(['isNew', 'ownCode', 'state', 'userId']);
    const bobCode = (await trustOf(bob, ids['alice']!)).ownCode;
    expect(bobCode).toMatch(/^(\d{5} ){5}\d{5}$/);
    expect(JSON.stringify(seen)).not.toContain(bobCode.replace(/\s/g, '').slice(0, 10));
    expect(JSON.stringify(seen)).not.toContain(bobCode.slice(0, 11));

    await expect(alice.call('markVerified', bobId)).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('markVerified', bobId, seen['ownCode'])).rejects.toMatchObject({ code: 'contact_code_mismatch' });
    await expect(alice.call('markVerified', bobId, '0'.repeat(30))).rejects.toMatchObject({ code: 'contact_code_mismatch' });
    await expect(alice.call('markVerified', bobId, '1'.repeat(60))).rejects.toMatchObject({ code: 'contact_code_mismatch' });
    await expect(alice.call('markVerified', bobId, 'seed-sn:1:AAAA:BBBB')).rejects.toMatchObject({ code: 'contact_code_unreadable' });
    await expect(alice.call('markVerified', bobId, '12345')).rejects.toMatchObject({ code: 'contact_code_unreadable' });
    expect(await trustOf(alice, bobId)).toMatchObject({ state: 'unverified' });
    await expect(alice.call('sealMessage', dm.conversationId, message())).rejects.toMatchObject({ code: 'policy_contact_not_verified' });

    expect(await alice.call('markVerified', bobId, bobCode.replace(/ /g, '-'))).toMatchObject({ state: 'verified' });
    expect(await alice.call('sealMessage', dm.conversationId, message())).toMatchObject({ v: 1 });
  }, 60_000);

  it('cannot add an unverified member while IT requires verified contacts; a verified one (by the whole number) joins', async () => {
    const group = (await alice.call('createConversation', { kind: 'group', name: 'Plans', memberUserIds: [ids['bob']], historyPolicy: 'shared' })) as {
      conversationId: string;
    };
    await expect(alice.call('addMember', { conversationId: group.conversationId, userId: ids['carol'] })).rejects.toMatchObject({
      code: 'policy_contact_not_verified',
    });
    const listed = (await alice.call('listConversations')) as { conversationId: string; members: { userId: string }[] }[];
    expect(listed.find((c) => c.conversationId === group.conversationId)?.members.map((m) => m.userId)).not.toContain(ids['carol']);

    if (!('host' in carol.deps.messenger)) throw new Error('no core');
    const wholeNumber = (await (await carol.deps.messenger.host.current()).contactTrust(ids['alice'] as never)).safetyNumber;
    expect(await alice.call('markVerified', ids['carol'], wholeNumber)).toMatchObject({ state: 'verified' });
    const added = (await alice.call('addMember', { conversationId: group.conversationId, userId: ids['carol'] })) as { members: { userId: string }[] };
    expect(added.members.map((m) => m.userId)).toContain(ids['carol']);
  }, 60_000);

  it("cannot accept a key the key service substituted: the real Bob's code does not match it, the warning and the block stay", async () => {
    const bobId = ids['bob']!;
    const dm = ((await alice.call('listConversations')) as { conversationId: string; kind: string }[]).find((c) => c.kind === 'direct')!;
    const bobCode = (await trustOf(bob, ids['alice']!)).ownCode;
    if (!('host' in alice.deps.messenger)) throw new Error('no core');
    const state = ((await alice.deps.messenger.host.current()) as unknown as { state: ProfileState }).state;
    const real = state.get().pins[bobId]!.identityKey;
    const substituted = toBase64Url((await createNodeCryptoProvider().ed25519GenerateKeyPair()).publicKey);
    state.update((s) => {
      s.pins[bobId] = { identityKey: real, verified: true, changedTo: substituted };
    });
    expect(await trustOf(alice, bobId)).toMatchObject({ state: 'changed' });

    await expect(alice.call('acknowledgeIdentityChange', bobId)).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('acknowledgeIdentityChange', bobId, bobCode)).rejects.toMatchObject({ code: 'contact_code_mismatch' });
    await expect(alice.call('acknowledgeIdentityChange', bobId, (await trustOf(alice, bobId)).ownCode)).rejects.toMatchObject({
      code: 'contact_code_mismatch',
    });
    await expect(alice.call('markVerified', bobId, bobCode), 'verifying is no way around accepting the change').rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(await trustOf(alice, bobId)).toMatchObject({ state: 'changed' });
    expect(state.get().pins[bobId]).toMatchObject({ identityKey: real, changedTo: substituted });
    await expect(alice.call('sealMessage', dm.conversationId, message())).rejects.toMatchObject({ code: 'policy_contact_not_verified' });
  }, 60_000);
});
