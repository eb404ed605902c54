/**
 * The chat history's view model (docs/messaging.md §Timeline): one display row per timeline
 * item — messages with author, text, delivery state, reactions and who read them; "cannot decrypt yet"
 * placeholders; rejected envelopes (never their content: a sentence saying why, the code kept for logs);
 * key changes — merged in time order with the membership lines of the verified history
 * (model/membershipLines.ts). Key changes are security detail: the chat leaves them out
 * (model/timelineLayout.ts) and the security panel lists them (`keyChanges`).
 */
import type { ConversationView } from '../../../common/messaging/messaging';
import type { TimelineItem } from '../../../common/messaging/timelineItem';
import type { MembershipLine } from './membershipLines';
import { messageText } from './messageText';
import { fileViewOf, type FileView } from './fileView';
import { TRUST_SENTENCES } from './uiError';
import { nameOf, UNVERIFIED_SENDER, type Named } from './people';
import { isUnsignedSender } from '../../../common/protocol/pubnub/stock';
import type { OutboxEntryView } from '../../../common/ipc/schemas/outbox';
import { queuedStatus } from './outboxRows';

export { UNVERIFIED_SENDER } from './people';

/** `unreadable`: sent, but no other member has a device that can read it ("No device can read this yet"). */
export type DeliveryLabel = 'sending' | 'sent' | 'read' | 'failed' | 'unreadable';

/** A send in main's offline queue (model/outboxRows.ts): waiting for the network, or stopped with a reason. */
export interface QueuedLabel {
  readonly state: 'queued' | 'failed';
  readonly text: string;
  readonly canRetry: boolean;
  readonly code: string | null;
}

/** Main's offline queue of a conversation, and the message ids it delivered (their echo may not be here yet). */
export interface OutboxRowsInput {
  readonly entries: readonly OutboxEntryView[];
  readonly delivered: Readonly<Record<string, true>>;
}

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
      /** Who sent it (the avatar's colour; messages are grouped by sender). */
      readonly senderId: string;
      /** "You" for this user's own messages. */
      readonly author: string;
      /** The sender's display name even for this user's own messages (the avatar's initials); `author` when unknown. */
      readonly avatarName?: string;
      readonly mine: boolean;
      readonly text: string;
      readonly sentAt: number;
      readonly delivery: DeliveryLabel | null;
      readonly failure: string | null;
      readonly reactions: readonly ReactionChip[];
      readonly readBy: readonly string[];
      /** This user forwarded it (shown "Forwarded" in this window only; nothing on the wire says so). */
      readonly forwarded?: boolean;
      /** Set on a send that waits in main's offline queue (then `delivery` is null). */
      readonly queued?: QueuedLabel;
      /** Under a disappearing timer: the time left, in words (model/disappearing.ts). */
      readonly expiresIn?: string;
      /** A reply: what it quotes — author and text, or `text` undefined when the original is not available. */
      readonly reply?: { readonly messageId: string; readonly timetoken?: string; readonly author?: string; readonly text?: string };
      /** Its author edited it ("edited"); `versions` (the author's own only) lists the earlier texts, oldest first. */
      readonly edited?: boolean;
      readonly versions?: readonly string[];
      /** Deleted for everyone by its author: "This message was deleted", no text. */
      readonly deleted?: boolean;
      /** From a stock PubNub SDK client (docs/messaging.md "Stock PubNub SDK clients"): not signed, sender unknown. */
      readonly unsigned?: boolean;
      /** A file message (docs/desktop.md "Files"): shown as a file card; `text` is its one-line description. */
      readonly file?: FileView;
    }
  | { readonly kind: 'pending'; readonly key: string; readonly text: string }
  | { readonly kind: 'rejected'; readonly key: string; readonly text: string; readonly code: string }
  | { readonly kind: 'system'; readonly key: string; readonly text: string; readonly newContact?: string }
  | { readonly kind: 'keyChange'; readonly key: string; readonly text: string; readonly toVersion: number };

/** Why a received message is not shown, as one sentence; the code stays on the row for logs. */
export function rejectedText(code: string): string {
  if (code === 'sender_removed' || code === 'sender_revoked' || code === 'signer_not_member') return TRUST_SENTENCES[code]!;
  if (code === 'lost_in_reset') return 'This message was sent before your account was reset. Its key was lost with your old devices, so it cannot be read.';
  if (code === 'unsupported_body') return 'This message holds content this version of the app cannot show.';
  if (code === 'not_author') return 'Someone tried to edit or delete a message that is not theirs. It was refused and nothing changed.';
  return 'This message could not be verified and is not shown. Tell your IT team if this keeps happening.';
}

export function rowOf(item: TimelineItem, members: readonly Named[], selfUserId: string | null): TimelineRow {
  switch (item.kind) {
    case 'message': {
      const unsigned = isUnsignedSender(item);
      const mine = !unsigned && item.senderUser === selfUserId;
      // By name, not by arrival: the line reads the same however the receipts raced.
      const readBy = item.readBy
        .filter((u) => u !== selfUserId)
        .map((u) => nameOf(u, members, selfUserId))
        .sort((x, y) => x.localeCompare(y));
      const delivery = item.delivery?.state ?? (mine ? 'sent' : null);
      return {
        kind: 'message',
        key: item.key,
        messageId: item.id,
        timetoken: item.timetoken,
        senderId: item.senderUser,
        author: unsigned ? UNVERIFIED_SENDER : nameOf(item.senderUser, members, selfUserId),
        avatarName: unsigned ? UNVERIFIED_SENDER : nameOf(item.senderUser, members, null),
        mine,
        ...(unsigned ? { unsigned: true } : {}),
        text: item.deleted === true ? '' : messageText(item.message),
        ...(item.deleted !== true && item.message.type === 'json' && fileViewOf(item.message.body) !== undefined
          ? { file: fileViewOf(item.message.body)! }
          : {}),
        sentAt: item.message.sentAt,
        ...(item.replyTo === undefined || item.deleted === true
          ? {}
          : {
              reply: {
                messageId: item.replyTo.id,
                ...(item.replyTo.original === undefined
                  ? {}
                  : {
                      ...(item.replyTo.original.timetoken === undefined ? {} : { timetoken: item.replyTo.original.timetoken }),
                      author: isUnsignedSender(item.replyTo.original) ? UNVERIFIED_SENDER : nameOf(item.replyTo.original.senderUser, members, selfUserId),
                      text: item.replyTo.original.text,
                    }),
              },
            }),
        ...(item.edited === true && item.deleted !== true ? { edited: true } : {}),
        ...(mine && item.edited === true && item.deleted !== true && item.versions !== undefined
          ? { versions: item.versions.slice(0, -1).map((v) => v.text) }
          : {}),
        ...(item.deleted === true ? { deleted: true } : {}),
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
      return { kind: 'rejected', key: item.key, text: rejectedText(item.code), code: item.code };
    case 'system':
      return {
        kind: 'keyChange',
        key: item.key,
        text: `The conversation key was rotated (version ${item.fromVersion} → ${item.toVersion})`,
        toVersion: item.toVersion,
      };
    default:
      throw new Error(`unknown item ${JSON.stringify(item satisfies never)}`);
  }
}

/**
 * This user's sends that went out while no other member has a device that can read the conversation (main's
 * `conversationReaders` answered 0): "No device can read this yet" instead of "Sent".
 */
export function withoutReaders(rows: readonly TimelineRow[]): TimelineRow[] {
  return rows.map((r) => (r.kind === 'message' && r.mine && r.delivery === 'sent' ? { ...r, delivery: 'unreadable' } : r));
}

/**
 * This window's own marks on its rows: messages this user forwarded get `forwarded`, failed sends this user
 * deleted are left out.
 */
export function withLocalMarks(
  rows: readonly TimelineRow[],
  forwarded: Readonly<Record<string, true>>,
  discarded: Readonly<Record<string, true>>,
): TimelineRow[] {
  return rows.flatMap((r): TimelineRow[] => {
    if (r.kind !== 'message') return [r];
    if (discarded[r.messageId] && r.delivery === 'failed') return [];
    return forwarded[r.messageId] ? [{ ...r, forwarded: true }] : [r];
  });
}

/** Milliseconds of a PubNub timetoken (100 ns units). */
export function timetokenMs(timetoken: string): number {
  return Number(timetoken.slice(0, -4) || '0');
}

export function timelineRows(
  view: ConversationView | undefined,
  lines: readonly MembershipLine[],
  members: readonly Named[],
  selfUserId: string | null,
  outbox: OutboxRowsInput = { entries: [], delivered: {} },
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const pending = [...lines].sort((a, b) => a.at - b.at);
  const queuedIds = new Set(outbox.entries.map((e) => e.plaintext.id as string));
  const shown = new Set<string>();
  for (const item of view?.items ?? []) {
    // A failed send handed to main's queue is shown once, as the queue's row at the end.
    if (item.kind === 'message' && queuedIds.has(item.id) && item.delivery?.state !== 'sent') continue;
    const at = item.timetoken === undefined ? Number.POSITIVE_INFINITY : timetokenMs(item.timetoken);
    while (pending.length > 0 && pending[0]!.at < at) rows.push(lineRow(pending.shift()!));
    const row = rowOf(item, members, selfUserId);
    if (row.kind === 'message') shown.add(row.messageId);
    // Main delivered it from the queue; the pipeline's own attempt had failed and its echo may not be here yet.
    rows.push(row.kind === 'message' && row.delivery === 'failed' && outbox.delivered[row.messageId] ? { ...row, delivery: 'sent', failure: null } : row);
  }
  for (const line of pending) rows.push(lineRow(line));
  for (const entry of outbox.entries) if (!shown.has(entry.plaintext.id)) rows.push(queuedRow(entry, members, selfUserId));
  return rows;
}

/** A send waiting in (or stopped in) main's offline queue, as a message row of this user. */
function queuedRow(entry: OutboxEntryView, members: readonly Named[], selfUserId: string | null): TimelineRow {
  const p = entry.plaintext;
  return {
    kind: 'message',
    key: `msg:${p.id}`,
    messageId: p.id,
    timetoken: undefined,
    senderId: selfUserId ?? '',
    author: nameOf(selfUserId ?? '', members, selfUserId),
    avatarName: nameOf(selfUserId ?? '', members, null),
    mine: true,
    text: p.type === 'string' ? p.body : messageText({ ...p, body: p.body as never }),
    sentAt: p.sentAt,
    delivery: null,
    failure: entry.failure?.message ?? null,
    reactions: [],
    readBy: [],
    queued: queuedStatus(entry),
  };
}

function lineRow(line: MembershipLine): TimelineRow {
  return { kind: 'system', key: line.key, text: line.text, ...(line.newContact !== undefined ? { newContact: line.newContact } : {}) };
}

/** Names of the people typing, as one line ("Bob is typing…"), or '' when nobody is. */
export function typingLine(view: ConversationView | undefined, members: readonly Named[], selfUserId: string | null): string {
  const names = (view?.typing ?? []).filter((u) => u !== selfUserId).map((u) => nameOf(u, members, selfUserId));
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}

/** A key change as the security panel lists it: what changed, and when the relay saw it (ms), newest first. */
export interface KeyChangeLine {
  readonly key: string;
  readonly text: string;
  readonly at: number | null;
}

/** The key changes of a conversation's loaded history, newest first (the security panel's list). */
export function keyChanges(view: ConversationView | undefined): KeyChangeLine[] {
  const out: KeyChangeLine[] = [];
  for (const item of view?.items ?? []) {
    if (item.kind !== 'system') continue;
    const row = rowOf(item, [], null);
    out.push({ key: row.key, text: row.text, at: item.timetoken === undefined ? null : timetokenMs(item.timetoken) });
  }
  return out.reverse();
}
