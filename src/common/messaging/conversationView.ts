/**
 * The view of a conversation (docs/messaging.md §Timeline). Its items are built from the timeline entries
 * and the annotations: decrypted messages with delivery, reactions and read receipts; pending and rejected items;
 * and a system item wherever the key version rises above every version seen before it in timetoken order.
 */
import type { AttachmentMessage } from '../protocol/attachmentMessage';
import { missingCase } from '../errors';
import type { ConversationId, DeviceId, MessageId, UserId } from '../ids';
import type { ChatAction } from '../protocol/chatAction';
import type { MessagePlaintext } from '../protocol/plaintext';
import type { Annotations } from './annotations';
import { ChatLedger, type ChatRecord } from './chatLedger';
import type { ChatState } from './ports';
import type { ConversationSession } from './conversationSession';
import type { Timeline, TimelineEntry } from './timeline';
import type { MessageItem, Reaction, TimelineItem } from './timelineItem';
import { compareTimetokens } from './timetoken';

export interface ViewContext {
  readonly self: { readonly userId: UserId; readonly deviceId: DeviceId };
  /** This client's PubNub user id (the actor of its own reactions and receipts). */
  readonly actor: string;
}

/** A conversation as the UI shows it. */
export interface ConversationView {
  readonly conversationId: ConversationId;
  readonly items: readonly TimelineItem[];
  /** PubNub users typing now (not this client). */
  readonly typing: readonly string[];
  /** True once scroll-back reached the first message. */
  readonly reachedStart: boolean;
  /** True while subscribed. */
  readonly joined: boolean;
  /** True while subscribed, connected and caught up. */
  readonly live: boolean;
  /** The catch-up cursor: every message at or before it has been received. */
  readonly lastTimetoken: string | undefined;
  /** Messages from other users after this client's own read receipt. */
  readonly unread: number;
}

/** The view of a session; `typing` lists the actors typing (this client's own actor is left out). */
export function conversationView(session: ConversationSession, joined: boolean, typing: readonly string[], ctx: ViewContext): ConversationView {
  const items = buildItems(session.timeline, session.annotations, ctx).filter((i) => i.kind !== 'message' || !session.hidden.has(i.id));
  const readUpTo = session.annotations.readUpTo().get(ctx.actor);
  const unread = items.filter(
    (i) =>
      i.kind === 'message' &&
      i.senderUser !== ctx.self.userId &&
      i.timetoken !== undefined &&
      (readUpTo === undefined || compareTimetokens(i.timetoken, readUpTo) > 0),
  ).length;
  return {
    conversationId: session.id,
    items,
    unread,
    typing: typing.filter((a) => a !== ctx.actor),
    reachedStart: session.reachedStart,
    joined,
    live: session.live,
    lastTimetoken: session.lastTimetoken,
  };
}

/** The timetoken of the newest acknowledged message. */
export function newestMessageTimetoken(items: readonly TimelineItem[]): string | undefined {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item?.kind === 'message' && item.timetoken !== undefined) return item.timetoken;
  }
  return undefined;
}

export function buildItems(timeline: Timeline, annotations: Annotations, ctx: ViewContext): TimelineItem[] {
  const readUpTo = [...annotations.readUpTo()];
  const entries = timeline.entries();
  // Edits and deletes for everyone are not items: they change the message they target (chatLedger.ts).
  const ledger = new ChatLedger();
  const authors = new Map<MessageId, UserId>();
  for (const entry of entries) {
    if (isReaction(entry)) continue;
    if (entry.kind === 'outgoing') authors.set(entry.record.plaintext.id, ctx.self.userId);
    const record = chatRecordOf(entry);
    if (record !== undefined) ledger.add(record);
    else if (entry.kind === 'received' && entry.record.outcome?.kind === 'ok') authors.set(entry.record.outcome.plaintext.id, entry.record.outcome.senderUser);
  }
  const items: TimelineItem[] = [];
  const byId = new Map<MessageId, MessageItem>();
  let maxVersion: number | undefined;
  for (const entry of entries) {
    // A reaction is not an item either: it is in the annotations (conversationSession.ts), never unread.
    if (isReaction(entry)) continue;
    const action = chatRecordOf(entry);
    if (action !== undefined) {
      // An edit or delete of someone else's message is refused (not_author) and shown as such; one whose
      // target is not here (yet) shows nothing.
      const refused = ledger
        .resolve(action.action.target, authors.get(action.action.target) ?? action.senderUser)
        .refused.find((r) => r.record.id === action.id);
      if (authors.has(action.action.target) && refused !== undefined) {
        items.push({
          kind: 'rejected',
          key: `tt:${action.timetoken}`,
          timetoken: action.timetoken,
          code: refused.error.code,
          reason: refused.error.message,
          publisher: undefined,
        });
      }
      continue;
    }
    // Deleted for me (the host's store says so): not shown at all.
    if (entry.kind === 'received' && entry.record.outcome?.kind === 'ok' && entry.record.outcome.state?.hidden === true) continue;
    const item = itemOf(entry, annotations, readUpTo, ctx, ledger);
    const version = item.kind === 'message' || item.kind === 'pending' ? item.keyVersion : undefined;
    if (version !== undefined) {
      if (maxVersion !== undefined && version > maxVersion) {
        items.push({ kind: 'system', key: `rotated:${version}`, event: 'key_rotated', fromVersion: maxVersion, toVersion: version, timetoken: item.timetoken });
      }
      maxVersion = Math.max(maxVersion ?? version, version);
    }
    if (item.kind === 'message') byId.set(item.id, item);
    items.push(item);
  }
  // A reply quotes its original as this device holds it; a deleted or absent one is "not available".
  return items.map((item) => {
    if (item.kind !== 'message' || item.replyTo === undefined) return item;
    const original = byId.get(item.replyTo.id);
    if (original === undefined || original.deleted === true || original.message.type !== 'string') return item;
    return {
      ...item,
      replyTo: { id: item.replyTo.id, original: { timetoken: original.timetoken, senderUser: original.senderUser, text: original.message.body } },
    };
  });
}

/** True for a received, opened `reaction` envelope. */
function isReaction(entry: TimelineEntry): boolean {
  return entry.kind === 'received' && entry.record.outcome?.kind === 'ok' && entry.record.outcome.chat?.kind === 'reaction';
}

/** The edit or delete an entry carries (a received, opened `edit` / `delete` envelope). */
function chatRecordOf(entry: TimelineEntry): ChatRecord | undefined {
  if (entry.kind !== 'received') return undefined;
  const outcome = entry.record.outcome;
  if (outcome?.kind !== 'ok' || outcome.chat === undefined || outcome.chat.kind === 'reply' || outcome.chat.kind === 'reaction') return undefined;
  return {
    timetoken: entry.record.timetoken,
    id: outcome.plaintext.id,
    sentAt: outcome.plaintext.sentAt,
    senderUser: outcome.senderUser,
    action: outcome.chat,
  };
}

function itemOf(entry: TimelineEntry, annotations: Annotations, readUpTo: [string, string][], ctx: ViewContext, ledger: ChatLedger): TimelineItem {
  switch (entry.kind) {
    case 'outgoing': {
      const r = entry.record;
      const item = messageItem(
        `msg:${r.plaintext.id}`,
        r.timetoken,
        r.plaintext,
        ctx.self.userId,
        ctx.self.deviceId,
        r.keyVersion,
        r.delivery,
        annotations,
        readUpTo,
        ctx,
      );
      return withAttachment(
        withChat(item, r.replyTo === undefined ? undefined : { kind: 'reply', replyTo: r.replyTo, text: textOf(r.plaintext) }, undefined, ledger),
        r.attachment,
      );
    }
    case 'received': {
      const r = entry.record;
      const outcome = r.outcome;
      const key = `tt:${r.timetoken}`;
      if (outcome === undefined || outcome.kind === 'pending') {
        return { kind: 'pending', key, timetoken: r.timetoken, keyVersion: outcome?.keyVersion ?? 0, publisher: r.publisher };
      }
      if (outcome.kind === 'rejected')
        return { kind: 'rejected', key, timetoken: r.timetoken, code: outcome.code, reason: outcome.message, publisher: r.publisher };
      const p = outcome.plaintext;
      const item = messageItem(key, r.timetoken, p, outcome.senderUser, outcome.senderDevice, outcome.keyVersion, undefined, annotations, readUpTo, ctx);
      return withAttachment(withChat(item, outcome.chat?.kind === 'reply' ? outcome.chat : undefined, outcome.state, ledger), outcome.attachment);
    }
    default:
      throw missingCase(entry);
  }
}

function textOf(p: MessagePlaintext): string {
  if (p.type === 'string') return p.body;
  const text = (p.body as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

/** A file's descriptor and caption on its item (docs/protocol.md §7.9); none once it was deleted for everyone. */
function withAttachment(item: MessageItem, attachment: AttachmentMessage | undefined): MessageItem {
  return attachment === undefined || item.deleted === true ? item : { ...item, attachment };
}

/** A message item with its reply reference, and its edits and delete applied. */
function withChat(
  item: MessageItem,
  reply: Extract<ChatAction, { kind: 'reply' }> | undefined,
  stored: ChatState | undefined,
  ledger: ChatLedger,
): MessageItem {
  const resolved = ledger.resolve(item.id, item.senderUser, stored);
  const base = reply === undefined ? item.message : ({ id: item.id, sentAt: item.message.sentAt, type: 'string', body: reply.text } as const);
  const body = resolved.deleted ? '' : resolved.text;
  const message: MessagePlaintext = body === undefined ? base : { id: item.id, sentAt: base.sentAt, type: 'string', body };
  return {
    ...item,
    message,
    ...(reply === undefined ? {} : { replyTo: { id: reply.replyTo, original: undefined } }),
    ...(resolved.edited ? { edited: true } : {}),
    ...(resolved.deleted ? { deleted: true } : {}),
    // Every version in order, the original first when this device still holds its text.
    ...(resolved.versions.length > 0
      ? {
          versions: [
            ...(stored?.edited === undefined && base.type === 'string' ? [{ id: item.id, sentAt: base.sentAt, text: base.body }] : []),
            ...resolved.versions,
          ],
        }
      : {}),
  };
}
function messageItem(
  key: string,
  timetoken: string | undefined,
  message: MessageItem['message'],
  senderUser: UserId,
  senderDevice: DeviceId,
  keyVersion: number | undefined,
  delivery: MessageItem['delivery'],
  annotations: Annotations,
  readUpTo: [string, string][],
  ctx: ViewContext,
): MessageItem {
  const reactions: Reaction[] =
    timetoken === undefined
      ? []
      : annotations.reactions(timetoken).map((r) => ({ value: r.value, actors: r.actors, mine: r.actors.includes(ctx.self.userId) }));
  const readBy =
    timetoken === undefined
      ? []
      : readUpTo
          .filter(([, upTo]) => compareTimetokens(upTo, timetoken) >= 0)
          .map(([actor]) => actor)
          .sort();
  return { kind: 'message', key, timetoken, id: message.id, message, senderUser, senderDevice, keyVersion, delivery, reactions, readBy };
}
