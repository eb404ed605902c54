/**
 * The conversation list's view model (unread counts as in docs/messaging.md §Receipts and reactions):
 * one row per conversation with its title, whose avatar it shows, a preview of the newest item, when
 * that was, the unread count, and a search filter over titles and member names. Newest activity first.
 * Key changes are security detail (the security panel lists them): never the preview.
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ConversationView } from '../../../common/messaging/messaging';
import type { TimelineItem } from '../../../common/messaging/timelineItem';
import { messageText } from './messageText';
import { conversationTitle, directPeer, nameOf } from './people';
import { timetokenMs } from './timelineRows';

export interface ConversationRow {
  readonly conversationId: ConversationSummary['conversationId'];
  readonly title: string;
  readonly kind: ConversationSummary['kind'];
  /** Whose avatar the row shows: a direct conversation's other member, else the conversation itself. */
  readonly avatarId: string;
  readonly preview: string;
  readonly unread: number;
  readonly lastTimetoken: string;
  /**
   * When the previewed message was sent (ms, the sender's clock — the time the chat shows beside it), else
   * when the newest item reached the relay; null when nothing is loaded.
   */
  readonly lastAt: number | null;
}

/** The newest item worth a preview: not a key change. */
function newestShown(items: readonly TimelineItem[]): TimelineItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]?.kind !== 'system') return items[i];
  return undefined;
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
      return '';
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
    const lastTimetoken = view?.lastTimetoken ?? '';
    const shown = newestShown(view?.items ?? []);
    return {
      conversationId: summary.conversationId,
      title: conversationTitle(summary, selfUserId),
      kind: summary.kind,
      avatarId: directPeer(summary, selfUserId)?.userId ?? summary.conversationId,
      preview: previewOf(shown, summary, selfUserId),
      unread: view?.unread ?? 0,
      lastTimetoken,
      lastAt: shown?.kind === 'message' ? shown.message.sentAt : lastTimetoken === '' ? null : timetokenMs(lastTimetoken),
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
