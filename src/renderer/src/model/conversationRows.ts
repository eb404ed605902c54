/**
 * The conversation list's view model (unread counts as in docs/messaging.md §Receipts and reactions):
 * one row per conversation with its title, whose avatar it shows, a preview of the newest item, when
 * that was, the unread count, and a search filter over titles and member names. Newest activity first.
 * Key changes are security detail (the security panel lists them): never the preview.
 * This user's preferences (conversationPrefs.ts) order and mark the rows: pinned ones first, muted ones
 * marked (their unread count shown quietly), a conversation marked unread with a dot. A row counts the
 * unread messages that mention this user (mentions.ts), and the list can show all conversations, the
 * unread ones, or those with an unread mention.
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { ConversationView } from '../../../common/messaging/messaging';
import type { TimelineItem } from '../../../common/messaging/timelineItem';
import type { ConversationPrefs } from './conversationPrefs';
import { mentions } from './mentions';
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
  readonly pinned: boolean;
  readonly muted: boolean;
  readonly markedUnread: boolean;
  /** Unread messages that mention this user. */
  readonly mentions: number;
}

/** Which conversations the list shows. */
export type ListFilter = 'all' | 'unread' | 'mentions';

/** How many of the `unread` newest messages of other users mention `selfUserId`. */
export function unreadMentions(view: ConversationView | undefined, summary: ConversationSummary, selfUserId: string | null): number {
  if (view === undefined || view.unread === 0 || selfUserId === null) return 0;
  let left = view.unread;
  let count = 0;
  for (let i = view.items.length - 1; i >= 0 && left > 0; i--) {
    const item = view.items[i]!;
    if (item.kind !== 'message' || item.senderUser === selfUserId) continue;
    left -= 1;
    if (item.deleted !== true && mentions(messageText(item.message), summary.members, selfUserId)) count += 1;
  }
  return count;
}

function shownBy(filter: ListFilter, row: ConversationRow): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'unread':
      return row.unread > 0 || row.markedUnread;
    case 'mentions':
      return row.mentions > 0;
    default:
      throw new Error(`unknown filter ${JSON.stringify(filter satisfies never)}`);
  }
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
  prefs: Readonly<Record<string, ConversationPrefs | undefined>> = {},
  filter: ListFilter = 'all',
  /** Listed whatever the filter (the open conversation, which opening it made read). */
  keep: string | null = null,
): ConversationRow[] {
  const rows = summaries.map((summary) => {
    const view = views[summary.conversationId];
    const pref = prefs[summary.conversationId];
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
      pinned: pref?.pinned === true,
      muted: pref?.muted === true,
      markedUnread: pref?.markedUnread === true,
      mentions: unreadMentions(view, summary, selfUserId),
      summary,
    };
  });
  return rows
    .filter((r) => matchesSearch(r.summary, r.title, query) && (r.conversationId === keep || shownBy(filter, r)))
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || compareDesc(a.lastTimetoken, b.lastTimetoken) || a.title.localeCompare(b.title))
    .map(({ summary: _summary, ...row }) => row);
}

function compareDesc(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? 1 : a > b ? -1 : 0;
}
