/**
 * Names as every surface shows them (the renderer's views and main's first paint of the conversation list,
 * docs/desktop.md "Start"): bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
 * isolates, U+200E/U+200F marks, U+061C) and invisible characters (zero-width space/joiners, word joiner,
 * BOM) are removed, so "Bob\u202Egnp.exe" cannot read as "Bob exe.png" (docs/desktop.md "Names and
 * bidirectional text"), and a conversation's title is the group's name or the other member's.
 */
import type { ConversationSummary } from '../ipc/schemas/conversations';

const CONTROLS = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

/** The name without bidirectional controls or invisible characters (trimmed; never empty if the input had a visible character). */
export function cleanName(name: string): string {
  return name.replace(CONTROLS, '').trim();
}

/** True when the name held bidirectional controls or invisible characters. */
export function hasHiddenCharacters(name: string): boolean {
  CONTROLS.lastIndex = 0;
  const found = CONTROLS.test(name);
  CONTROLS.lastIndex = 0;
  return found;
}

/** A group's name, or a direct conversation's other member (cleaned). */
export function conversationTitle(summary: ConversationSummary, selfUserId: string | null): string {
  if (summary.kind === 'group') return cleanName(summary.name);
  const other = summary.members.find((m) => m.userId !== selfUserId);
  return cleanName(other?.displayName ?? summary.name);
}

/** The other member of a direct conversation (whose safety number the security panel shows). */
export function directPeer(summary: ConversationSummary, selfUserId: string | null): ConversationSummary['members'][number] | null {
  if (summary.kind !== 'direct') return null;
  return summary.members.find((m) => m.userId !== selfUserId) ?? null;
}
