/**
 * The chat history's view model (docs/messaging.md §Timeline): one display row per timeline
 * item — messages with author, text, delivery state, reactions and who read them; "cannot decrypt yet"
 * placeholders; rejected envelopes (never their content); key-rotation lines — merged in time order with
 * the member-change lines the renderer noted.
 */
import type { ConversationView } from '../../../common/messaging/messaging';
import type { TimelineItem } from '../../../common/messaging/timelineItem';
import type { MemberNote } from './memberChanges';
import { messageText } from './messageText';
import { nameOf, type Member } from './people';

export type DeliveryLabel = 'sending' | 'sent' | 'read' | 'failed';

export interface ReactionChip {
  readonly value: string;
  readonly count: number;
  readonly mine: boolean;
  readonly names: string;
}

export type TimelineRow =
  | {
      readonly kind: 'message';
      readonly key: string;
      readonly messageId: string;
      readonly timetoken: string | undefined;
      readonly author: string;
      readonly mine: boolean;
      readonly text: string;
      readonly sentAt: number;
      readonly delivery: DeliveryLabel | null;
      readonly failure: string | null;
      readonly reactions: readonly ReactionChip[];
      readonly readBy: readonly string[];
    }
  | { readonly kind: 'pending'; readonly key: string; readonly text: string }
  | { readonly kind: 'rejected'; readonly key: string; readonly text: string }
  | { readonly kind: 'system'; readonly key: string; readonly text: string };

export function rowOf(item: TimelineItem, members: readonly Member[], selfUserId: string | null): TimelineRow {
  switch (item.kind) {
    case 'message': {
      const mine = item.senderUser === selfUserId;
      const readBy = item.readBy.filter((u) => u !== selfUserId).map((u) => nameOf(u, members, selfUserId));
      const delivery = item.delivery?.state ?? (mine ? 'sent' : null);
      return {
        kind: 'message',
        key: item.key,
        messageId: item.id,
        timetoken: item.timetoken,
        author: nameOf(item.senderUser, members, selfUserId),
        mine,
        text: messageText(item.message),
        sentAt: item.message.sentAt,
        delivery: mine && delivery === 'sent' && readBy.length > 0 ? 'read' : delivery,
        failure: item.delivery?.state === 'failed' ? item.delivery.message : null,
        reactions: item.reactions.map((r) => ({
          value: r.value,
          count: r.actors.length,
          mine: r.mine,
          names: r.actors.map((a) => nameOf(a, members, selfUserId)).join(', '),
        })),
        readBy,
      };
    }
    case 'pending':
      return { kind: 'pending', key: item.key, text: `Waiting for the key to decrypt this message (key version ${item.keyVersion})` };
    case 'rejected':
      return { kind: 'rejected', key: item.key, text: `This message was rejected and is not shown (${item.code})` };
    case 'system':
      return { kind: 'system', key: item.key, text: `The conversation key was rotated (version ${item.fromVersion} → ${item.toVersion})` };
    default:
      throw new Error(`unknown item ${JSON.stringify(item satisfies never)}`);
  }
}

/** Milliseconds of a PubNub timetoken (100 ns units). */
export function timetokenMs(timetoken: string): number {
  return Number(timetoken.slice(0, -4) || '0');
}

export function timelineRows(
  view: ConversationView | undefined,
  notes: readonly MemberNote[],
  members: readonly Member[],
  selfUserId: string | null,
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const pending = [...notes].sort((a, b) => a.at - b.at);
  for (const item of view?.items ?? []) {
    const at = item.timetoken === undefined ? Number.POSITIVE_INFINITY : timetokenMs(item.timetoken);
    while (pending.length > 0 && pending[0]!.at < at) rows.push(noteRow(pending.shift()!));
    rows.push(rowOf(item, members, selfUserId));
  }
  for (const note of pending) rows.push(noteRow(note));
  return rows;
}

function noteRow(note: MemberNote): TimelineRow {
  return { kind: 'system', key: note.key, text: note.text };
}

/** Names of the people typing, as one line ("Bob is typing…"), or '' when nobody is. */
export function typingLine(view: ConversationView | undefined, members: readonly Member[], selfUserId: string | null): string {
  const names = (view?.typing ?? []).filter((u) => u !== selfUserId).map((u) => nameOf(u, members, selfUserId));
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}
