/**
 * Maps the client core's results onto the IPC contract's shapes: conversations with member names and
 * the caller's role, and message plaintext in the bridge's text/JSON form. Pure functions plus a small
 * per-session cache of directory entries.
 */
import type { UserId } from '../../common/ids';
import type { ConversationSummary } from '../../common/ipc/schemas/conversations';
import type { BridgePlaintext } from '../../common/ipc/schemas/messages';
import type { MessagePlaintext } from '../../common/protocol/plaintext';
import type { ConversationInfo, PublicUser } from '../../client';

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

export async function conversationSummary(info: ConversationInfo, self: UserId, lookup: UserLookup): Promise<ConversationSummary> {
  const members = await Promise.all(
    info.members.map(async (m) => {
      const u = await lookup(m.userId).catch(() => ({ userId: m.userId, username: m.userId, displayName: m.userId }));
      return { userId: m.userId, username: u.username, displayName: u.displayName, role: m.role, joinedAt: m.joinedAt };
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
  };
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
