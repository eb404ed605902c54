/**
 * The view of a conversation (docs/messaging.md §Timeline). Its items are built from the timeline entries
 * and the annotations: decrypted messages with delivery, reactions and read receipts; pending and rejected items;
 * and a system item wherever the key version rises above every version seen before it in timetoken order.
 */
import { missingCase } from '../errors';
import type { ConversationId, DeviceId, UserId } from '../ids';
import type { Annotations } from './annotations';
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
  const items = buildItems(session.timeline, session.annotations, ctx);
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
  const items: TimelineItem[] = [];
  let maxVersion: number | undefined;
  for (const entry of timeline.entries()) {
    const item = itemOf(entry, annotations, readUpTo, ctx);
    const version = item.kind === 'message' || item.kind === 'pending' ? item.keyVersion : undefined;
    if (version !== undefined) {
      if (maxVersion !== undefined && version > maxVersion) {
        items.push({ kind: 'system', key: `rotated:${version}`, event: 'key_rotated', fromVersion: maxVersion, toVersion: version, timetoken: item.timetoken });
      }
      maxVersion = Math.max(maxVersion ?? version, version);
    }
    items.push(item);
  }
  return items;
}

function itemOf(entry: TimelineEntry, annotations: Annotations, readUpTo: [string, string][], ctx: ViewContext): TimelineItem {
  switch (entry.kind) {
    case 'outgoing': {
      const r = entry.record;
      return messageItem(
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
      return messageItem(key, r.timetoken, p, outcome.senderUser, outcome.senderDevice, outcome.keyVersion, undefined, annotations, readUpTo, ctx);
    }
    default:
      throw missingCase(entry);
  }
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
    timetoken === undefined ? [] : annotations.reactions(timetoken).map((r) => ({ value: r.value, actors: r.actors, mine: r.actors.includes(ctx.actor) }));
  const readBy =
    timetoken === undefined
      ? []
      : readUpTo
          .filter(([, upTo]) => compareTimetokens(upTo, timetoken) >= 0)
          .map(([actor]) => actor)
          .sort();
  return { kind: 'message', key, timetoken, id: message.id, message, senderUser, senderDevice, keyVersion, delivery, reactions, readBy };
}
