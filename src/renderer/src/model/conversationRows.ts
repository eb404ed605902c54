/**
 * The conversation list's view model (unread counts as in docs/messaging.md §Receipts and reactions):
 * one row per conversation with its title, a preview of the newest item, the unread count, and a search
 * filter over titles and member names. Newest activity first.
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ConversationView } from '../../../common/messaging/messaging';
import type { TimelineItem } from '../../../common/messaging/timelineItem';
import { messageText } from './messageText';
import { conversationTitle, nameOf } from './people';

export interface ConversationRow {
  readonly conversationId: ConversationSummary['conversationId'];
  readonly title: string;
  readonly kind: ConversationSummary['kind'];
  readonly preview: string;
  readonly unread: number;
  readonly lastTimetoken: string;
}

export function previewOf(item: TimelineItem | undefined, summary: ConversationSummary, selfUserId: string | null): string {
  if (item === undefined) return '';
  switch (item.kind) {
    case 'message': {
      const text = messageText(item.message).replace(/\s+/g, ' ').slice(0, 80);
      return summary.kind === 'direct' && item.senderUser !== selfUserId ? text : `${nameOf(item.senderUser, summary.members, selfUserId)}: ${text}`;
    }
    case 'pending':
      return 'Waiting for the key to decrypt…';
    case 'rejected':
      return 'A message could not be verified';
    case 'system':
      return `Key rotated to version ${item.toVersion}`;
    default:
      throw new Error(`unknown item ${JSON.stringify(item satisfies never)}`);
  }
}

export function matchesSearch(summary: ConversationSummary, title: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  if (title.toLowerCase().includes(q)) return true;
  return summary.members.some((m) => m.displayName.toLowerCase().includes(q) || m.username.toLowerCase().includes(q));
}

export function conversationRows(
  summaries: readonly ConversationSummary[],
  views: Readonly<Record<string, ConversationView | undefined>>,
  selfUserId: string | null,
  query: string,
): ConversationRow[] {
  const rows = summaries.map((summary) => {
    const view = views[summary.conversationId];
    const items = view?.items ?? [];
    return {
      conversationId: summary.conversationId,
      title: conversationTitle(summary, selfUserId),
      kind: summary.kind,
      preview: previewOf(items[items.length - 1], summary, selfUserId),
      unread: view?.unread ?? 0,
      lastTimetoken: view?.lastTimetoken ?? '',
      summary,
    };
  });
  return rows
    .filter((r) => matchesSearch(r.summary, r.title, query))
    .sort((a, b) => compareDesc(a.lastTimetoken, b.lastTimetoken) || a.title.localeCompare(b.title))
    .map(({ summary: _summary, ...row }) => row);
}

function compareDesc(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? 1 : a > b ? -1 : 0;
}
