/**
 * Vectors for the disappearing-messages timer (docs/protocol.md §15.8): a chain alice starts — genesis
 * (alice owner, bob admin, carol member), bob (admin) sets 1 day, alice turns it off — with each statement's
 * canonical JSON, signing input, hash input and hash, and the state after it (the timer included); invalid
 * chains and the error a verifier reports first; and messages (timetoken, signed sentAt) with the time,
 * timer and expiry every device computes for them.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex, tuple } from '../../../src/common/encoding/bytes';
import { canonicalJson } from '../../../src/common/encoding/canonicalJson';
import type { ConversationId, UserId } from '../../../src/common/ids';
import { expiresAt, messageTime, timerAt, timerChanges } from '../../../src/common/protocol/disappearing';
import type { MembershipHead } from '../../../src/common/protocol/membershipHead';
import { applyMembership, genesisState, type MembershipState } from '../../../src/common/protocol/membershipRules';
import {
  MEMBERSHIP_HASH_DOMAIN,
  membershipHash,
  membershipSigningInput,
  signMembershipStatement,
  type MembershipChange,
  type MembershipStatement,
} from '../../../src/common/protocol/membershipStatement';
import { deviceJson, flip, pairHex, vectorUser, type VectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0003' as ConversationId;
const START = 1_735_689_700_000;

function stateJson(state: MembershipState) {
  const members = [...state.members].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userId, m]) => ({ userId, role: m.role, joinedSeq: m.joinedSeq }));
  return { kind: state.kind, historyPolicy: state.historyPolicy, members, head: state.head, disappearingSeconds: state.disappearingSeconds };
}

export async function buildDisappearingVectors(provider: CryptoProvider) {
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => vectorUser(provider, name, ['desktop'])));
  const users = [alice, bob, carol] as VectorUser[];
  const sign = (by: VectorUser, change: MembershipChange, after: MembershipHead | null, at: number) =>
    signMembershipStatement(provider, {
      conversationId,
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
    ['bob (admin) sets messages to disappear after 1 day', bob!, { type: 'disappearing', seconds: 86_400 }],
    ['alice (owner) turns disappearing messages off', alice!, { type: 'disappearing', seconds: 0 }],
  ];
  const chain: MembershipStatement[] = [];
  const valid = [];
  let state: MembershipState | null = null;
  for (const [i, [name, by, change]] of steps.entries()) {
    const statement = await sign(by, change, chain.length === 0 ? null : await headOf(chain.at(-1)!), START + i * 3_600_000);
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
  const [s0, s1] = chain as [MembershipStatement, MembershipStatement];
  const h0 = await headOf(s0);
  const h1 = await headOf(s1);
  const after0 = (by: VectorUser, change: MembershipChange) => sign(by, change, h0, START + 1_800_000);
  const bad = async (name: string, pinnedThrough: number | null, statements: unknown[], error: string, servedHead?: MembershipHead | null) => ({
    name,
    pinnedThrough,
    statements,
    servedHead: servedHead === undefined ? await headOf(statements.at(-1) as MembershipStatement) : servedHead,
    error,
  });
  const withSeconds = (s: MembershipStatement, seconds: number) => ({ ...s, change: { type: 'disappearing', seconds } });
  const invalid = [
    await bad('a plain member (carol) sets the timer', null, [s0, await after0(carol!, { type: 'disappearing', seconds: 86_400 })], 'membership_rule'),
    await bad("the key service changes bob's 1 day to 5 minutes", null, [s0, withSeconds(s1, 300)], 'bad_signature', h1),
    await bad("the key service removes bob's timer (1 day to off)", null, [s0, withSeconds(s1, 0)], 'bad_signature', h1),
    await bad('signature bit flipped', null, [s0, { ...s1, signature: flip(s1.signature) }], 'bad_signature'),
    await bad('a timer outside the allowed list (60 s)', null, [s0, withSeconds(s1, 60)], 'malformed', h1),
    await bad('the timer already in effect (off) set again', null, [s0, await after0(alice!, { type: 'disappearing', seconds: 0 })], 'membership_rule'),
    await bad('rollback: the head before the timer was turned off', 2, [], 'membership_rollback', h1),
    await bad('rollback: the head before the timer was set', 1, [], 'membership_rollback', h0),
  ];
  const changes = timerChanges(chain);
  const tt = (ms: number) => String(BigInt(ms) * 10_000n + 1234n);
  const message = (name: string, timetoken: string, sentAt: number) => {
    const time = messageTime(timetoken, sentAt)!;
    return { name, timetoken, sentAt, time, timerSeconds: timerAt(changes, time), expiresAt: expiresAt(changes, timetoken, sentAt) };
  };
  const setAt = s1.at;
  const offAt = chain[2]!.at;
  const messages = [
    message('sent before the timer was set: does not expire', tt(setAt - 60_000), setAt - 60_000),
    message('sent while the 1-day timer is on: expires a day after its time', tt(setAt + 60_000), setAt + 60_000),
    message('the relay dates it an hour later than the signed sentAt: its time is sentAt + 2 minutes', tt(setAt + 3_660_000), setAt + 60_000),
    message(
      'the relay dates it an hour earlier (before the timer): its time is sentAt − 2 minutes, still under the timer',
      tt(setAt - 3_540_000),
      setAt + 600_000,
    ),
    message('sent after the timer was turned off: does not expire', tt(offAt + 1_000), offAt + 1_000),
  ];
  return {
    description:
      'Disappearing-messages timer (§15.8): a membership statement {type:"disappearing", seconds} with seconds in [0, 300, 3600, 86400, 604800, 2419200], by an owner or admin (either member of a direct conversation), naming a timer other than the one in effect. time(m) = timetoken/10^4 ms clamped to [sentAt − 120000, sentAt + 120000]; timer(m) = seconds of the last disappearing statement in chain order with at ≤ time(m) (none: 0); expiresAt = time(m) + 1000 × timer(m) when timer(m) > 0, else null.',
    conversationId,
    accounts: Object.fromEntries(users.map((u) => [u.userId, pairHex(u.account)])),
    devices: users.flatMap((u) => u.devices.map(deviceJson)),
    valid,
    invalid,
    messages,
  };
}
