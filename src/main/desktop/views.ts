/**
 * Maps the client core's results onto the IPC contract's shapes: conversations with member names, new
 * contacts marked and the caller's role; the verified membership history with people named; and message
 * plaintext in the bridge's text/JSON form. Pure functions plus a small per-session cache of directory
 * entries.
 */
import { missingCase } from '../../common/errors';
import type { UserId } from '../../common/ids';
import type { ConversationSummary, MembershipEventView, MembershipPerson } from '../../common/ipc/schemas/conversations';
import type { BridgePlaintext } from '../../common/ipc/schemas/messages';
import type { MessagePlaintext } from '../../common/protocol/plaintext';
import type { ConversationInfo, MembershipEvent, PublicUser } from '../../client';

export type UserLookup = (userId: string) => Promise<Pick<PublicUser, 'userId' | 'username' | 'displayName'>>;

/** Caches directory answers for one signed-in session. */
export function cachedLookup(lookup: UserLookup): UserLookup {
  const cache = new Map<string, ReturnType<UserLookup>>();
  return (userId) => {
    const hit = cache.get(userId);
    if (hit) return hit;
    const pending = lookup(userId).catch((e: unknown) => {
      cache.delete(userId);
      throw e;
    });
    cache.set(userId, pending);
    return pending;
  };
}

/** Whether a user is a new contact of the signed-in user (`Client.isNewContact`). */
export type IsNewContact = (userId: UserId) => boolean;

const notNew: IsNewContact = () => false;

/** A user's directory entry, or their id as name when the directory does not answer. */
function named(lookup: UserLookup, userId: string) {
  return lookup(userId).catch(() => ({ userId, username: userId, displayName: userId }));
}

export async function conversationSummary(
  info: ConversationInfo,
  self: UserId,
  lookup: UserLookup,
  isNew: IsNewContact = notNew,
  postQuantum?: ConversationSummary['postQuantum'],
): Promise<ConversationSummary> {
  const members = await Promise.all(
    info.members.map(async (m) => {
      const u = await named(lookup, m.userId);
      return { userId: m.userId, username: u.username, displayName: u.displayName, role: m.role, joinedAt: m.joinedAt, isNew: isNew(m.userId) };
    }),
  );
  const others = members.filter((m) => m.userId !== self);
  const name = info.name ?? (others.map((m) => m.displayName).join(', ') || 'Just you');
  return {
    conversationId: info.conversationId,
    kind: info.kind,
    name,
    channel: info.channel,
    historyPolicy: info.historyPolicy,
    keyVersion: info.currentVersion,
    needsRotation: info.needsRotation,
    myRole: members.find((m) => m.userId === self)?.role ?? 'member',
    members,
    ...(postQuantum !== undefined ? { postQuantum } : {}),
  };
}

/** The verified membership statements with every person named (as the summaries name members) and new contacts marked. */
export async function membershipHistoryView(
  events: readonly MembershipEvent[],
  lookup: UserLookup,
  isNew: IsNewContact = notNew,
): Promise<MembershipEventView[]> {
  const person = async (userId: UserId): Promise<MembershipPerson> => ({
    userId,
    displayName: (await named(lookup, userId)).displayName,
    isNew: isNew(userId),
  });
  return Promise.all(
    events.map(async ({ seq, at, actor, change }): Promise<MembershipEventView> => {
      const base = { seq, at, actor: await person(actor) };
      switch (change.type) {
        case 'create':
          return {
            ...base,
            change: {
              type: 'create',
              kind: change.kind,
              historyPolicy: change.historyPolicy,
              members: await Promise.all(change.members.map(async (m) => ({ ...(await person(m.userId)), role: m.role }))),
              migrated: change.migrated === true,
            },
          };
        case 'add':
        case 'role':
          return { ...base, change: { type: change.type, user: await person(change.userId), role: change.role } };
        case 'remove':
          return { ...base, change: { type: 'remove', user: await person(change.userId) } };
        case 'leave':
          return { ...base, change: { type: 'leave' } };
        case 'history':
          return { ...base, change: { type: 'history', historyPolicy: change.historyPolicy } };
        case 'disappearing':
          return { ...base, change: { type: 'disappearing', seconds: change.seconds } };
        default:
          return missingCase(change);
      }
    }),
  );
}

/** Plaintext from the bridge (text or JSON) to the protocol's plaintext. */
export function fromBridgePlaintext(p: BridgePlaintext): MessagePlaintext {
  return p.type === 'string'
    ? { id: p.id, sentAt: p.sentAt, type: 'string', body: p.body }
    : { id: p.id, sentAt: p.sentAt, type: 'json', body: p.body as never };
}

/** Protocol plaintext to the bridge's form; binary bodies do not cross the bridge in v1 of the UI. */
export function toBridgePlaintext(p: MessagePlaintext): BridgePlaintext | null {
  if (p.type === 'binary') return null;
  return p.type === 'string' ? { id: p.id, sentAt: p.sentAt, type: 'string', body: p.body } : { id: p.id, sentAt: p.sentAt, type: 'json', body: p.body };
}
