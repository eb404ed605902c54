/** Names of people as the UI shows them: a member's display name, "You" for this user, else the raw id; new contacts. */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ContactTrust } from '../../../common/ipc/schemas/verification';

export type Member = ConversationSummary['members'][number];

export function nameOf(userId: string, members: readonly Member[], selfUserId: string | null): string {
  if (userId === selfUserId) return 'You';
  return members.find((m) => m.userId === userId)?.displayName ?? userId;
}

/**
 * Whether a member is a new contact of this user: the contact's trust state when loaded (fresher: marking
 * them verified ends it), else the summary's flag.
 */
export function isNewContact(member: Pick<Member, 'userId' | 'isNew'>, trust: Readonly<Record<string, Pick<ContactTrust, 'state' | 'isNew'>>>): boolean {
  const t = trust[member.userId];
  if (t?.state === 'verified') return false;
  return t?.isNew ?? member.isNew ?? false;
}

/** A conversation's title: a group's name; a direct conversation's other member. */
export function conversationTitle(summary: ConversationSummary, selfUserId: string | null): string {
  if (summary.kind === 'group') return summary.name;
  const other = summary.members.find((m) => m.userId !== selfUserId);
  return other?.displayName ?? summary.name;
}

/** The other member of a direct conversation (whose safety number the security panel shows). */
export function directPeer(summary: ConversationSummary, selfUserId: string | null): Member | null {
  if (summary.kind !== 'direct') return null;
  return summary.members.find((m) => m.userId !== selfUserId) ?? null;
}
