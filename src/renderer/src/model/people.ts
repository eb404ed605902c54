/**
 * Names of people as the UI shows them: "You" for this user, else the display name of a member — or of a
 * former member, named by the conversation's verified membership history, so the messages of someone removed
 * keep their name — cleaned of bidirectional controls (model/displayText.ts); "Unknown person" otherwise,
 * never a raw id. New contacts.
 */
import type { ConversationSummary, MembershipEventView } from '../../../common/ipc/schemas/conversations';
import type { ContactTrust } from '../../../common/ipc/schemas/verification';
import { cleanName } from '../../../common/view/names';

export { conversationTitle, directPeer } from '../../../common/view/names';
import { UNSIGNED_SENDER_USER } from '../../../common/protocol/pubnub/stock';

export type Member = ConversationSummary['members'][number];

/** Someone the UI can name: a member, or a person its membership history names. */
export type Named = Pick<Member, 'userId' | 'displayName'>;

export const UNKNOWN_PERSON = 'Unknown person';

/** Who a stock-SDK (unsigned) message is shown from (docs/messaging.md "Stock PubNub SDK clients"). */
export const UNVERIFIED_SENDER = 'Unverified sender';

export function nameOf(userId: string, people: readonly Named[], selfUserId: string | null): string {
  // The unsigned sender marker is never a person, not even this user (notifications, previews, search).
  if (userId === UNSIGNED_SENDER_USER) return UNVERIFIED_SENDER;
  if (userId === selfUserId) return 'You';
  const name = cleanName(people.find((m) => m.userId === userId)?.displayName ?? '');
  return name === '' ? UNKNOWN_PERSON : name;
}

/** The current members first, then everyone else the verified membership history names (former members). */
export function peopleOf(members: readonly Named[], history: readonly MembershipEventView[]): Named[] {
  const out: Named[] = [...members];
  const seen = new Set(members.map((m) => m.userId));
  const add = (p: Named) => {
    if (seen.has(p.userId)) return;
    seen.add(p.userId);
    out.push({ userId: p.userId, displayName: p.displayName });
  };
  for (const e of history) {
    add(e.actor);
    const c = e.change;
    if (c.type === 'create') c.members.forEach(add);
    else if (c.type === 'add' || c.type === 'remove' || c.type === 'role') add(c.user);
  }
  return out;
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
