/**
 * Membership statements (docs/protocol.md §15): a chain the members sign, that every verifier replays to
 * the same member set — and what a key service that edits the chain gets: a ghost member, a dropped
 * removal, a rollback, a fork, a forged or reordered statement are each refused with a typed error.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, UserId } from '../../src/common/ids';
import { extendMembership, membershipAt, type VerifiedStatement } from '../../src/common/protocol/membershipChain';
import type { MembershipState } from '../../src/common/protocol/membershipRules';
import { signMembershipStatement, type MembershipChange, type MembershipStatement } from '../../src/common/protocol/membershipStatement';
import { flipB64u, makeUser, provider, type TestUser } from './fixtures';

const conv = 'conv-membership-01' as ConversationId;

async function world() {
  const [alice, bob, carol, dave, mallory] = await Promise.all([makeUser('alice'), makeUser('bob'), makeUser('carol'), makeUser('dave'), makeUser('mallory')]);
  const users: TestUser[] = [alice, bob, carol, dave, mallory];
  const signerOf = async (actor: string, actorDevice: string) => {
    const user = users.find((u) => u.userId === actor);
    const device = user?.devices.find((d) => d.deviceId === actorDevice);
    if (!user || !device) throw new Error(`unknown signer ${actor}/${actorDevice}`);
    return { certificate: device.certificate, accountKey: user.account.publicKey };
  };
  const chain: MembershipStatement[] = [];
  let at = 1_735_689_700_000;
  /** Signs a statement by `actor` after `after` (default: the end of the honest chain; null: a genesis). */
  const sign = async (actor: TestUser, change: MembershipChange, after: MembershipStatement | null | undefined = chain.at(-1)) => {
    const prev = after === null || after === undefined ? null : { seq: after.seq, hash: await hashOf(after) };
    const statement = await signMembershipStatement(provider, {
      conversationId: conv,
      after: prev,
      at: (at += 1000),
      actor: actor.userId,
      actorDevice: actor.devices[0]!.deviceId,
      change,
      signingPrivateKey: actor.devices[0]!.keys.ed25519.privateKey,
    });
    return statement;
  };
  const append = async (actor: TestUser, change: MembershipChange) => {
    const s = await sign(actor, change);
    chain.push(s);
    return s;
  };
  const verify = async (statements: readonly unknown[], from: MembershipState | null = null, servedHead?: { seq: number; hash: string } | null) => {
    const last = statements.at(-1) as MembershipStatement | undefined;
    const head = servedHead !== undefined ? servedHead : last ? { seq: last.seq, hash: await hashOf(last) } : (from?.head ?? null);
    return extendMembership(provider, { conversationId: conv, from, statements, servedHead: head, signerOf });
  };
  return { alice, bob, carol, dave, mallory, chain, sign, append, verify };
}

async function hashOf(s: MembershipStatement): Promise<string> {
  const { membershipHash } = await import('../../src/common/protocol/membershipStatement');
  return membershipHash(provider, s);
}

const membersOf = (state: MembershipState) => Object.fromEntries([...state.members].map(([u, m]) => [u, m.role]));

describe('membership chain: the honest flow', () => {
  it('every verifier computes the same members and roles, and the state at any earlier head', async () => {
    const w = await world();
    const { alice, bob, carol, dave } = w;
    await w.append(alice, {
      type: 'create',
      kind: 'group',
      historyPolicy: 'shared',
      members: [
        { userId: alice.userId, role: 'owner' },
        { userId: bob.userId, role: 'member' },
      ],
    });
    await w.append(alice, { type: 'add', userId: carol.userId, role: 'admin' });
    await w.append(carol, { type: 'add', userId: dave.userId, role: 'member' });
    await w.append(carol, { type: 'remove', userId: bob.userId });
    await w.append(alice, { type: 'role', userId: dave.userId, role: 'admin' });
    await w.append(alice, { type: 'leave' });
    const { state, added } = await w.verify(w.chain);
    // The owner left: the admin who joined first (carol, seq 1) becomes owner.
    expect(membersOf(state)).toEqual({ [carol.userId]: 'owner', [dave.userId]: 'admin' });
    expect(state.head.seq).toBe(5);
    const atTwo = membershipAt(added as VerifiedStatement[], 2);
    expect(atTwo && membersOf(atTwo)).toEqual({ [alice.userId]: 'owner', [bob.userId]: 'member', [carol.userId]: 'admin', [dave.userId]: 'member' });
    // Verifying in two steps from a pinned head gives the same state.
    const first = await w.verify(w.chain.slice(0, 3));
    const rest = await w.verify(w.chain.slice(3), first.state);
    expect(rest.state).toEqual(state);
  });

  it('a direct conversation is its two users: no add, no remove; either may leave', async () => {
    const w = await world();
    const { alice, bob, carol } = w;
    const direct: MembershipChange = {
      type: 'create',
      kind: 'direct',
      historyPolicy: 'shared',
      members: [
        { userId: alice.userId, role: 'owner' },
        { userId: bob.userId, role: 'member' },
      ],
    };
    await w.append(alice, direct);
    await expect(w.verify([...w.chain, await w.sign(alice, { type: 'add', userId: carol.userId, role: 'member' })])).rejects.toMatchObject({
      code: 'membership_rule',
    });
    await expect(w.verify([...w.chain, await w.sign(alice, { type: 'remove', userId: bob.userId })])).rejects.toMatchObject({ code: 'membership_rule' });
    const left = await w.verify([...w.chain, await w.sign(bob, { type: 'leave' })]);
    expect(membersOf(left.state)).toEqual({ [alice.userId]: 'owner' });
    const three: MembershipChange = { ...direct, members: [...direct.members, { userId: carol.userId, role: 'member' }] };
    await expect(w.verify([await w.sign(alice, three, null)])).rejects.toMatchObject({ code: 'membership_rule' });
  });
});

describe('membership chain: what a key service or a member may not do', () => {
  async function group() {
    const w = await world();
    await w.append(w.alice, {
      type: 'create',
      kind: 'group',
      historyPolicy: 'joined',
      members: [
        { userId: w.alice.userId, role: 'owner' },
        { userId: w.bob.userId, role: 'member' },
        { userId: w.carol.userId, role: 'admin' },
      ],
    });
    return w;
  }

  it('a plain member cannot add, an admin cannot remove an admin, nobody removes the owner, only the owner changes roles', async () => {
    const w = await group();
    const refused = async (actor: TestUser, change: MembershipChange) =>
      expect(w.verify([...w.chain, await w.sign(actor, change)])).rejects.toMatchObject({ code: 'membership_rule' });
    await refused(w.bob, { type: 'add', userId: w.mallory.userId, role: 'member' });
    await refused(w.carol, { type: 'role', userId: w.bob.userId, role: 'admin' });
    await refused(w.carol, { type: 'remove', userId: w.alice.userId });
    await refused(w.bob, { type: 'history', historyPolicy: 'shared' });
    await refused(w.mallory, { type: 'leave' });
    await refused(w.alice, { type: 'add', userId: w.bob.userId, role: 'member' });
  });

  it('a ghost member added by the key service (no member signed it) is refused', async () => {
    const w = await group();
    // The key service signs with a device of its own user (mallory, not a member)...
    await expect(w.verify([...w.chain, await w.sign(w.mallory, { type: 'add', userId: w.mallory.userId, role: 'member' })])).rejects.toMatchObject({
      code: 'membership_rule',
    });
    // ...or claims alice signed it with a device whose certificate alice's account key never signed.
    const forged = await w.sign(w.mallory, { type: 'add', userId: w.mallory.userId, role: 'member' });
    await expect(w.verify([...w.chain, { ...forged, actor: w.alice.userId, actorDevice: w.alice.devices[0]!.deviceId }])).rejects.toMatchObject({
      code: 'bad_signature',
    });
    // ...or edits a statement alice signed into an add of mallory.
    const honest = await w.sign(w.alice, { type: 'add', userId: w.dave.userId, role: 'member' });
    await expect(w.verify([...w.chain, { ...honest, change: { ...honest.change, userId: w.mallory.userId } }])).rejects.toMatchObject({
      code: 'bad_signature',
    });
  });

  it('a dropped removal, a rollback and a fork are caught against the pinned head', async () => {
    const w = await group();
    await w.append(w.alice, { type: 'add', userId: w.dave.userId, role: 'member' });
    const pinned = (await w.verify(w.chain)).state;
    const removal = await w.append(w.alice, { type: 'remove', userId: w.bob.userId });
    await w.append(w.alice, { type: 'add', userId: w.mallory.userId, role: 'member' });
    // Dropping the removal and serving the later statement breaks the chain.
    await expect(w.verify([w.chain[3]], pinned)).rejects.toMatchObject({ code: 'chain_broken' });
    // Serving an older head than the one pinned is a rollback.
    await expect(w.verify([], pinned, { seq: 0, hash: await hashOf(w.chain[0]!) })).rejects.toMatchObject({ code: 'membership_rollback' });
    await expect(w.verify([], pinned, null)).rejects.toMatchObject({ code: 'membership_rollback' });
    // Another statement at the pinned position, or one that does not follow it, is a fork.
    await expect(w.verify([], pinned, { seq: pinned.head.seq, hash: await hashOf(removal) })).rejects.toMatchObject({ code: 'membership_fork' });
    const resigned = await signMembershipStatement(provider, {
      conversationId: conv,
      after: { seq: 1, hash: await hashOf(w.chain[0]!) },
      at: 1,
      actor: w.alice.userId as UserId,
      actorDevice: w.alice.devices[0]!.deviceId,
      change: { type: 'remove', userId: w.carol.userId },
      signingPrivateKey: w.alice.devices[0]!.keys.ed25519.privateKey,
    });
    await expect(w.verify([resigned], pinned)).rejects.toMatchObject({ code: 'membership_fork' });
  });

  it('a reordered, duplicated or mangled statement is refused before its rules are applied', async () => {
    const w = await group();
    const a = await w.append(w.alice, { type: 'add', userId: w.dave.userId, role: 'member' });
    const b = await w.append(w.alice, { type: 'remove', userId: w.bob.userId });
    await expect(w.verify([w.chain[0], b, a])).rejects.toMatchObject({ code: 'chain_broken' });
    await expect(w.verify([w.chain[0], a, a])).rejects.toMatchObject({ code: 'chain_broken' });
    await expect(w.verify([w.chain[0], { ...a, signature: flipB64u(a.signature) }])).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(w.verify([w.chain[0], { ...a, extra: 1 }])).rejects.toMatchObject({ code: 'malformed' });
    await expect(w.verify([w.chain[0], { ...a, v: 2 }])).rejects.toMatchObject({ code: 'unsupported_version' });
    await expect(w.verify([{ ...w.chain[0]!, conversationId: 'conv-elsewhere-01' }])).rejects.toMatchObject({ code: 'wrong_conversation' });
    // The served head must be where the statements end: a key service that hides the tail is caught.
    await expect(w.verify(w.chain.slice(0, 2), null, { seq: 2, hash: await hashOf(b) })).rejects.toMatchObject({ code: 'chain_broken' });
  });
});
