/**
 * The rules of membership statements (docs/protocol.md §15.3): the member set a verified chain yields, and
 * who may make which change. The key service applies exactly these rules before it stores a statement and
 * every client applies them again while it verifies the chain, so both compute the same members, roles and
 * owner from the same statements — a key service that stores a statement the rules refuse is caught.
 *
 * - create: seq 0; the actor is a member and the only owner; a direct conversation has exactly two members.
 * - add: groups only; by an owner or admin; the user is not a member.
 * - remove: groups only; by an owner or admin, of someone else; an admin removes only plain members;
 *   the owner is never removed (the owner leaves instead).
 * - leave: by any member, of themselves (direct conversations too). When the owner leaves, the remaining
 *   admin who joined first becomes owner, else the remaining member who joined first (ties: user id order).
 * - role: by the owner, of another member, to admin or member.
 * - history: by the owner; later members receive versions by the new policy.
 * - disappearing: in a group by an owner or admin, in a direct conversation by either member; the timer
 *   changes (a statement naming the timer already in effect is refused).
 */
import type { ConversationKind, HistoryPolicy, Role } from '../domain';
import { ProtocolError } from './errors';
import { compareIds } from './keyVersionRecord';
import type { MembershipHead, MembershipStatement } from './membershipStatement';

/** A statement that the rules refuse: the actor may not make this change now. */
export class MembershipRuleError extends ProtocolError {
  constructor(message: string) {
    super('membership_rule', message);
    this.name = 'MembershipRuleError';
  }
}

export interface MemberState {
  readonly role: Role;
  /** The seq of the statement that made them a member (0 for the genesis members). */
  readonly joinedSeq: number;
}

/** What a verified chain up to `head` says. */
export interface MembershipState {
  readonly conversationId: string;
  readonly kind: ConversationKind;
  readonly historyPolicy: HistoryPolicy;
  readonly members: ReadonlyMap<string, MemberState>;
  readonly head: MembershipHead;
  /** True when the genesis was made after the fact for a conversation older than statements (§15.6). */
  readonly migrated: boolean;
  /** The disappearing-messages timer in effect at the head, in seconds (0: off; §15.8). */
  readonly disappearingSeconds: number;
}

function roleOf(state: MembershipState, userId: string): Role {
  const member = state.members.get(userId);
  if (!member) throw new MembershipRuleError(`${userId} is not a member at seq ${state.head.seq}`);
  return member.role;
}

function requireGroup(state: MembershipState, what: string): void {
  if (state.kind === 'direct') throw new MembershipRuleError(`a direct conversation cannot ${what}`);
}

/** The owner's successor after the owner left: the earliest-joined admin, else the earliest-joined member. */
function heir(members: ReadonlyMap<string, MemberState>): string | undefined {
  const order = (a: [string, MemberState], b: [string, MemberState]) => a[1].joinedSeq - b[1].joinedSeq || compareIds(a[0], b[0]);
  const all = [...members].sort(order);
  return (all.find(([, m]) => m.role === 'admin') ?? all[0])?.[0];
}

/** The state the genesis statement (seq 0) sets up. */
export function genesisState(genesis: MembershipStatement, hash: string): MembershipState {
  const change = genesis.change;
  if (change.type !== 'create') throw new MembershipRuleError('the chain does not start with a create statement');
  const owners = change.members.filter((m) => m.role === 'owner');
  if (owners.length !== 1 || owners[0]?.userId !== genesis.actor) throw new MembershipRuleError('the creator must be the one owner of the conversation');
  if (change.kind === 'direct' && change.members.length !== 2) throw new MembershipRuleError('a direct conversation has exactly two members');
  return {
    conversationId: genesis.conversationId,
    kind: change.kind,
    historyPolicy: change.historyPolicy,
    members: new Map(change.members.map((m) => [m.userId, { role: m.role, joinedSeq: 0 }])),
    head: { seq: 0, hash },
    migrated: change.migrated === true,
    disappearingSeconds: 0,
  };
}

/**
 * The state after `s`, which must follow `state.head` (seq and prev are checked by the chain verifier);
 * throws `membership_rule` when the actor may not make this change.
 */
export function applyMembership(state: MembershipState, s: MembershipStatement, hash: string): MembershipState {
  const members = new Map(state.members);
  const actorRole = roleOf(state, s.actor);
  const change = s.change;
  let historyPolicy = state.historyPolicy;
  let disappearingSeconds = state.disappearingSeconds;
  switch (change.type) {
    case 'create':
      throw new MembershipRuleError(`seq ${s.seq}: only the first statement creates the conversation`);
    case 'add':
      requireGroup(state, 'take new members');
      if (actorRole === 'member') throw new MembershipRuleError(`seq ${s.seq}: only an owner or admin adds members`);
      if (members.has(change.userId)) throw new MembershipRuleError(`seq ${s.seq}: ${change.userId} is already a member`);
      members.set(change.userId, { role: change.role, joinedSeq: s.seq });
      break;
    case 'remove': {
      requireGroup(state, 'remove a member');
      if (change.userId === s.actor) throw new MembershipRuleError(`seq ${s.seq}: a member leaves rather than removes themselves`);
      const target = roleOf(state, change.userId);
      if (actorRole === 'member') throw new MembershipRuleError(`seq ${s.seq}: only an owner or admin removes members`);
      if (target === 'owner') throw new MembershipRuleError(`seq ${s.seq}: the owner cannot be removed`);
      if (actorRole === 'admin' && target !== 'member') throw new MembershipRuleError(`seq ${s.seq}: an admin removes only plain members`);
      members.delete(change.userId);
      break;
    }
    case 'leave': {
      members.delete(s.actor);
      const next = actorRole === 'owner' ? heir(members) : undefined;
      const successor = next === undefined ? undefined : members.get(next);
      if (next !== undefined && successor) members.set(next, { ...successor, role: 'owner' });
      break;
    }
    case 'role': {
      if (actorRole !== 'owner') throw new MembershipRuleError(`seq ${s.seq}: only the owner changes roles`);
      const target = roleOf(state, change.userId);
      if (target === 'owner') throw new MembershipRuleError(`seq ${s.seq}: the owner's role cannot be changed`);
      const member = members.get(change.userId);
      if (member) members.set(change.userId, { ...member, role: change.role });
      break;
    }
    case 'history':
      if (actorRole !== 'owner') throw new MembershipRuleError(`seq ${s.seq}: only the owner changes the history policy`);
      historyPolicy = change.historyPolicy;
      break;
    case 'disappearing':
      if (state.kind === 'group' && actorRole === 'member')
        throw new MembershipRuleError(`seq ${s.seq}: only an owner or admin sets the disappearing-messages timer`);
      if (change.seconds === state.disappearingSeconds)
        throw new MembershipRuleError(`seq ${s.seq}: the disappearing-messages timer is already ${change.seconds} s`);
      disappearingSeconds = change.seconds;
      break;
  }
  return { ...state, members, historyPolicy, disappearingSeconds, head: { seq: s.seq, hash } };
}
