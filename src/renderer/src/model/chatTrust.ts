/**
 * The chat header's one trust word (docs/desktop.md "Look and layout"): "changed" when any other member's
 * identity key changed and was not accepted yet, "verified" when every other member is verified, else
 * null (nothing shown; the security panel has the detail).
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ContactTrust } from '../../../common/ipc/schemas/verification';

export type ChatTrust = 'verified' | 'changed' | null;

export function chatTrust(
  conversation: Pick<ConversationSummary, 'members'>,
  byUser: Readonly<Record<string, Pick<ContactTrust, 'state'>>>,
  selfUserId: string | null,
): ChatTrust {
  const others = conversation.members.filter((m) => m.userId !== selfUserId);
  if (others.some((m) => byUser[m.userId]?.state === 'changed')) return 'changed';
  if (others.length > 0 && others.every((m) => byUser[m.userId]?.state === 'verified')) return 'verified';
  return null;
}
