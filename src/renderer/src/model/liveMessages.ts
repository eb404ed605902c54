/**
 * Which received messages are new to the user, for desktop notifications (docs/desktop.md §Desktop
 * notifications): decrypted messages from someone else, not yet read by this user, that reached the relay
 * after messaging started in this app session. History replayed at start (catch-up, scroll-back) is older
 * than that and never announced; a message sent while this device was briefly offline and caught up
 * later is. Also the notification request main receives: the plaintext preview, the sender's name and the
 * conversation's title — main decides how much of it is shown.
 */
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import { NOTIFICATION_TEXT_MAX, type NotificationArgs } from '../../../common/ipc/schemas/notifications';
import type { ConversationView } from '../../../common/messaging/messaging';
import type { MessageItem } from '../../../common/messaging/timelineItem';
import { messageText } from './messageText';
import { conversationTitle, nameOf } from './people';

/** Milliseconds since the epoch of a PubNub timetoken (100-ns units). */
export function timetokenMs(timetoken: string): number {
  return Number(timetoken) / 10_000;
}

/** Messages of `view` from other users, unread by `selfUserId`, that reached the relay after `sinceMs`. */
export function newIncomingMessages(view: ConversationView, selfUserId: string, sinceMs: number): MessageItem[] {
  return view.items.filter(
    (item): item is MessageItem =>
      item.kind === 'message' &&
      item.senderUser !== selfUserId &&
      item.timetoken !== undefined &&
      !item.readBy.includes(selfUserId) &&
      timetokenMs(item.timetoken) > sinceMs,
  );
}

const FALLBACK_TITLE = 'Conversation';

/** What the renderer tells main about a new message (main decides what a notification shows). */
export function notificationArgsOf(item: MessageItem, view: ConversationView, summary: ConversationSummary | undefined, selfUserId: string): NotificationArgs {
  const title = summary === undefined ? FALLBACK_TITLE : conversationTitle(summary, selfUserId);
  const sender = nameOf(item.senderUser, summary?.members ?? [], selfUserId);
  return {
    conversationId: view.conversationId,
    conversationTitle: bounded(title, FALLBACK_TITLE),
    senderUserId: item.senderUser,
    senderName: bounded(sender, item.senderUser),
    text: cut(messageText(item.message), NOTIFICATION_TEXT_MAX),
  };
}

/** 1-200 characters after trimming, as the contract asks, else the fallback. */
function bounded(text: string, fallback: string): string {
  const trimmed = cut(text.trim(), 200).trim();
  return trimmed === '' ? fallback : trimmed;
}

/** At most `max` UTF-16 units, never ending in half of a surrogate pair. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');
}
