/**
 * Vectors for membership statements (docs/protocol.md §15): a chain alice starts — genesis (alice owner,
 * bob admin, carol member), bob adds dave, alice removes carol, alice leaves (bob, the earliest admin,
 * becomes owner), bob makes dave an admin, bob sets the history policy — with each statement's canonical
 * JSON, signing input, hash input and hash, and the state after it. Invalid cases are what a verifier
 * holding a pinned head (or none) is served, and the error it reports first (§15.4).
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex, tuple } from '../../../src/common/encoding/bytes';
import { canonicalJson } from '../../../src/common/encoding/canonicalJson';
import type { ConversationId, UserId } from '../../../src/common/ids';
import type { MembershipHead } from '../../../src/common/protocol/membershipHead';
import { genesisState, applyMembership, type MembershipState } from '../../../src/common/protocol/membershipRules';
import {
  MEMBERSHIP_HASH_DOMAIN,
  membershipHash,
  membershipSigningInput,
  signMembershipStatement,
  type MembershipChange,
  type MembershipStatement,
} from '../../../src/common/protocol/membershipStatement';
import { deviceJson, flip, pairHex, vectorUser, type VectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;
const START = 1_735_689_700_000;

function stateJson(state: MembershipState) {
  const members = [...state.members].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userId, m]) => ({ userId, role: m.role, joinedSeq: m.joinedSeq }));
  return { kind: state.kind, historyPolicy: state.historyPolicy, members, head: state.head };
}

export async function buildMembershipVectors(provider: CryptoProvider) {
  const [alice, bob, carol, dave, mallory] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'mallory'].map((name) => vectorUser(provider, name, ['desktop'])),
  );
  const users = [alice, bob, carol, dave, mallory] as VectorUser[];
  const sign = (by: VectorUser, change: MembershipChange, after: MembershipHead | null, at: number, conversation = conversationId) =>
    signMembershipStatement(provider, {
      conversationId: conversation,
      after,
      at,
      actor: by.userId,
      actorDevice: by.devices[0]!.deviceId,
      change,
      signingPrivateKey: by.devices[0]!.ed25519.privateKey,
    });
  const headOf = async (s: MembershipStatement): Promise<MembershipHead> => ({ seq: s.seq, hash: await membershipHash(provider, s) });
  const member = (u: VectorUser, role: 'owner' | 'admin' | 'member') => ({ userId: u.userId as UserId, role });

  const steps: [string, VectorUser, MembershipChange][] = [
    [
      'genesis: alice creates a group with bob (admin) and carol',
      alice!,
      { type: 'create', kind: 'group', historyPolicy: 'shared', members: [member(alice!, 'owner'), member(bob!, 'admin'), member(carol!, 'member')] },
    ],
    ['bob (admin) adds dave', bob!, { type: 'add', userId: dave!.userId, role: 'member' }],
    ['alice removes carol', alice!, { type: 'remove', userId: carol!.userId }],
    ['alice (the owner) leaves: bob, the admin who joined first, becomes owner', alice!, { type: 'leave' }],
    ['bob (now owner) makes dave an admin', bob!, { type: 'role', userId: dave!.userId, role: 'admin' }],
    ['bob sets the history policy to joined', bob!, { type: 'history', historyPolicy: 'joined' }],
  ];
  const chain: MembershipStatement[] = [];
  const valid = [];
  let state: MembershipState | null = null;
  for (const [i, [name, by, change]] of steps.entries()) {
    const statement = await sign(by, change, chain.length === 0 ? null : await headOf(chain.at(-1)!), START + i * 60_000);
    const { signature: _signature, ...unsigned } = statement;
    const hash = await membershipHash(provider, statement);
    state = state === null ? genesisState(statement, hash) : applyMembership(state, statement, hash);
    chain.push(statement);
    valid.push({
      name,
      statement,
      canonicalJson: canonicalJson(unsigned),
      signingInput: toHex(membershipSigningInput(statement)),
      hashInput: toHex(tuple(MEMBERSHIP_HASH_DOMAIN, canonicalJson(statement))),
      hash,
      stateAfter: stateJson(state),
    });
  }
  const [s0, s1, s2, s3] = chain as [MembershipStatement, MembershipStatement, MembershipStatement, MembershipStatement];
  const [h0, h1, h2] = [await headOf(s0), await headOf(s1), await headOf(s2)];
  const after1 = (by: VectorUser, change: MembershipChange) => sign(by, change, h1, START + 90_000);
  const altAt2 = await sign(alice!, { type: 'remove', userId: bob!.userId }, h1, START + 100_000);
  const altAt3 = await sign(alice!, { type: 'add', userId: mallory!.userId, role: 'member' }, await headOf(altAt2), START + 110_000);
  const mallorySigned = await after1(mallory!, { type: 'add', userId: mallory!.userId, role: 'member' });
  const genesisChange = s0.change as Extract<MembershipChange, { type: 'create' }>;
  /** A case served to a verifier that pinned the valid chain through `pinnedThrough` (null: none). */
  const bad = async (name: string, pinnedThrough: number | null, statements: unknown[], error: string, servedHead?: MembershipHead | null) => ({
    name,
    pinnedThrough,
    statements,
    servedHead: servedHead === undefined ? (pinnedThrough === null ? null : await headOf(statements.at(-1) as MembershipStatement)) : servedHead,
    error,
  });
  const invalid = [
    await bad('signature bit flipped', null, [s0, { ...s1, signature: flip(s1.signature) }], 'bad_signature'),
    await bad('change edited after signing: the add names mallory', null, [s0, { ...s1, change: { ...s1.change, userId: mallory!.userId } }], 'bad_signature'),
    await bad(
      "claims alice's device but is signed by mallory's",
      null,
      [s0, s1, { ...mallorySigned, actor: alice!.userId, actorDevice: alice!.devices[0]!.deviceId }],
      'bad_signature',
    ),
    await bad("bob's statement claimed for alice: the device's certificate is bob's", null, [s0, { ...s1, actor: alice!.userId }], 'signer_not_certified'),
    await bad(
      'prev is not the hash of the statement before',
      null,
      [s0, s1, await sign(alice!, { type: 'remove', userId: carol!.userId }, { seq: 1, hash: h0.hash }, START + 120_000)],
      'chain_broken',
    ),
    await bad('a gap: statement 2 left out', null, [s0, s1, s3], 'chain_broken'),
    await bad('a ghost member: mallory, not a member, adds herself', null, [s0, s1, mallorySigned], 'membership_rule'),
    await bad('a plain member adds someone', null, [s0, s1, await after1(carol!, { type: 'add', userId: mallory!.userId, role: 'member' })], 'membership_rule'),
    await bad('an admin removes the owner', null, [s0, s1, await after1(bob!, { type: 'remove', userId: alice!.userId })], 'membership_rule'),
    await bad('an admin changes a role', null, [s0, s1, await after1(bob!, { type: 'role', userId: carol!.userId, role: 'admin' })], 'membership_rule'),
    await bad('an add of a member', null, [s0, s1, await after1(alice!, { type: 'add', userId: carol!.userId, role: 'member' })], 'membership_rule'),
    await bad(
      'the creator is not the owner',
      null,
      [await sign(alice!, { ...genesisChange, members: [member(alice!, 'admin'), member(bob!, 'owner'), member(carol!, 'member')] }, null, START)],
      'membership_rule',
    ),
    await bad(
      'a direct conversation of three',
      null,
      [
        await sign(
          alice!,
          { ...genesisChange, kind: 'direct', members: [member(alice!, 'owner'), member(bob!, 'member'), member(carol!, 'member')] },
          null,
          START,
        ),
      ],
      'membership_rule',
    ),
    await bad('genesis members not sorted', null, [{ ...s0, change: { ...genesisChange, members: [...genesisChange.members].reverse() } }], 'malformed'),
    await bad('unknown field', null, [s0, { ...s1, note: 'x' }], 'malformed'),
    await bad('version 2 of the format', null, [{ ...s0, v: 2 }], 'unsupported_version'),
    await bad('for another conversation', null, [await sign(alice!, genesisChange, null, START, 'conv-vector-0002' as ConversationId)], 'wrong_conversation'),
    await bad('the served head is beyond the statements (a hidden tail)', null, [s0, s1], 'chain_broken', h2),
    await bad('rollback: an older head than the one pinned', 3, [], 'membership_rollback', h1),
    await bad('fork: another statement at the pinned head', 2, [], 'membership_fork', await headOf(altAt2)),
    await bad('fork: the next statement does not follow the pinned head', 2, [altAt3], 'membership_fork'),
  ];
  return {
    description:
      'Membership statements: statement = {v:1, conversationId, seq, prev, at, actor, actorDevice, change, signature}; signature = Ed25519(actorDevice, tuple("seed-membership-v1", canonicalJson(statement without signature))); hash = SHA-256(tuple("seed-membership-hash-v1", canonicalJson(statement))); prev = hash of the statement before (null at seq 0). A verifier replays the rules (§15.3) over the chain from the genesis or from the head it pinned.',
    conversationId,
    accounts: Object.fromEntries(users.map((u) => [u.userId, pairHex(u.account)])),
    devices: users.flatMap((u) => u.devices.map(deviceJson)),
    valid,
    invalid,
  };
}
