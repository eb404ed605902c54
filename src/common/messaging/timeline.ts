/**
 * The timeline model of one conversation (docs/messaging.md §Timeline): pure state, no transport. Envelopes
 * are recorded by timetoken (a timetoken seen twice — history and live overlap — is recorded once), opened
 * asynchronously, and settled as decrypted, pending or rejected. Decrypted messages are de-duplicated by
 * message id (the earliest timetoken wins; a retried publish that landed twice shows once). This device's
 * own sends are outgoing records with a delivery state until their echo or publish acknowledgement
 * gives them a timetoken. `entries()` lists everything in timetoken order, unacknowledged sends last.
 */
import type { AttachmentMessage } from '../protocol/attachmentMessage';
import type { MessageId } from '../ids';
import type { MessagePlaintext } from '../protocol/plaintext';
import type { OpenOutcome } from './ports';
import type { Delivery } from './timelineItem';
import { compareTimetokens } from './timetoken';

/** An envelope received from history or live, by timetoken. */
export interface ReceivedRecord {
  readonly timetoken: string;
  readonly publisher: string | undefined;
  readonly envelope: unknown;
  outcome: OpenOutcome | undefined;
}

/** A message this pipeline sends. */
export interface OutgoingRecord {
  readonly plaintext: MessagePlaintext;
  /** Set on a reply (sealed as a `reply` envelope, docs/protocol.md §7.7): the message it quotes. */
  readonly replyTo?: MessageId;
  /** Set on a file (sealed as an `attachment` envelope, docs/protocol.md §7.9): its descriptor and caption. */
  readonly attachment?: AttachmentMessage;
  readonly seq: number;
  delivery: Delivery;
  timetoken: string | undefined;
  keyVersion: number | undefined;
}

/** A timeline entry before annotations and system items are added. */
export type TimelineEntry = { readonly kind: 'received'; readonly record: ReceivedRecord } | { readonly kind: 'outgoing'; readonly record: OutgoingRecord };

export class Timeline {
  private readonly received = new Map<string, ReceivedRecord>();
  private readonly outgoing = new Map<MessageId, OutgoingRecord>();
  /** Earliest timetoken at which each message id was decrypted. */
  private readonly firstById = new Map<MessageId, string>();
  /** The authors of each delete for everyone received, by target id: a lookup per arriving message, not a pass. */
  private readonly deletesByTarget = new Map<MessageId, Set<string>>();
  private seq = 0;
  private changes = 0;

  /** Increases on every visible change (views cache on it). */
  get revision(): number {
    return this.changes;
  }

  /** Records an envelope; undefined when its timetoken is already known (a duplicate delivery). */
  claim(timetoken: string, publisher: string | undefined, envelope: unknown): ReceivedRecord | undefined {
    if (this.received.has(timetoken)) return undefined;
    const record: ReceivedRecord = { timetoken, publisher, envelope, outcome: undefined };
    this.received.set(timetoken, record);
    return record;
  }

  /** Applies the result of opening a recorded envelope. */
  settle(record: ReceivedRecord, outcome: OpenOutcome): void {
    record.outcome = outcome;
    if (outcome.kind === 'ok') {
      const id = outcome.plaintext.id;
      const first = this.firstById.get(id);
      if (first === undefined || compareTimetokens(record.timetoken, first) < 0) this.firstById.set(id, record.timetoken);
      if (outcome.chat?.kind === 'delete') {
        const authors = this.deletesByTarget.get(outcome.chat.target) ?? new Set<string>();
        authors.add(outcome.senderUser);
        this.deletesByTarget.set(outcome.chat.target, authors);
      }
      const own = this.outgoing.get(id);
      if (own !== undefined) {
        own.timetoken = earlier(own.timetoken, record.timetoken);
        own.keyVersion ??= outcome.keyVersion;
        if (own.delivery.state !== 'sent') own.delivery = { state: 'sent' };
      }
    }
    this.changes += 1;
  }

  /** Records a new own send in state `sending`. */
  addOutgoing(plaintext: MessagePlaintext, replyTo?: MessageId, attachment?: AttachmentMessage): OutgoingRecord {
    const record: OutgoingRecord = {
      plaintext,
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(attachment === undefined ? {} : { attachment }),
      seq: this.seq++,
      delivery: { state: 'sending' },
      timetoken: undefined,
      keyVersion: undefined,
    };
    this.outgoing.set(plaintext.id, record);
    this.changes += 1;
    return record;
  }

  outgoingRecord(id: MessageId): OutgoingRecord | undefined {
    return this.outgoing.get(id);
  }

  /** Changes an own send's delivery state (and timetoken once acknowledged). */
  setDelivery(record: OutgoingRecord, delivery: Delivery, timetoken?: string, keyVersion?: number): void {
    if (timetoken !== undefined) {
      record.timetoken = earlier(record.timetoken, timetoken);
      const first = this.firstById.get(record.plaintext.id);
      if (first !== undefined) record.timetoken = earlier(record.timetoken, first);
    }
    if (keyVersion !== undefined) record.keyVersion = keyVersion;
    if (record.delivery.state !== 'sent') record.delivery = delivery;
    this.changes += 1;
  }

  /**
   * Drops from memory the text of message `target` by `author` and of that author's edits of it, once a
   * delete for everyone by the author is known (docs/messaging.md §Replies, edits and deletes).
   */
  scrub(target: MessageId, author: string, self: string): void {
    const empty = (p: MessagePlaintext): MessagePlaintext => ({ id: p.id, sentAt: p.sentAt, type: 'string', body: '' });
    for (const record of this.received.values()) {
      const o = record.outcome;
      if (o?.kind !== 'ok' || o.senderUser !== author) continue;
      if (o.plaintext.id === target) record.outcome = { ...o, plaintext: empty(o.plaintext), chat: undefined, state: { deleted: true } };
      else if (o.chat?.kind === 'edit' && o.chat.target === target) record.outcome = { ...o, plaintext: empty(o.plaintext), chat: { ...o.chat, text: '' } };
    }
    const own = this.outgoing.get(target);
    if (own !== undefined && author === self) (own as { plaintext: MessagePlaintext }).plaintext = empty(own.plaintext);
    this.changes += 1;
  }

  /** Whether a delete for everyone of message `target` by `author` has been received (settled). */
  deletedBy(target: MessageId, author: string): boolean {
    return this.deletesByTarget.get(target)?.has(author) ?? false;
  }

  /**
   * The timetoken message `id` is shown at — a message or a reply, received or this device's acknowledged
   * send; undefined for anything else (a chat action's own id, an unacknowledged send). A lookup in the
   * id index, not a pass over the timeline: every reaction asks it (docs/messaging.md §Reactions).
   */
  messageTimetoken(id: MessageId): string | undefined {
    const own = this.outgoing.get(id);
    if (own !== undefined) return own.timetoken;
    const first = this.firstById.get(id);
    if (first === undefined) return undefined;
    const o = this.received.get(first)?.outcome;
    return o?.kind === 'ok' && (o.chat === undefined || o.chat.kind === 'reply') ? first : undefined;
  }

  /** Received envelopes still waiting for a key version (all versions when `keyVersion` is undefined). */
  pending(keyVersion?: number): ReceivedRecord[] {
    return [...this.received.values()].filter((r) => r.outcome?.kind === 'pending' && (keyVersion === undefined || r.outcome.keyVersion === keyVersion));
  }

  /** Oldest received timetoken (where scroll-back continues). */
  oldest(): string | undefined {
    let oldest: string | undefined;
    for (const tt of this.received.keys()) if (oldest === undefined || compareTimetokens(tt, oldest) < 0) oldest = tt;
    return oldest;
  }

  /** Visible entries in order: settled envelopes (one per message id) and own sends. */
  entries(): TimelineEntry[] {
    const placed: { tt: string | undefined; seq: number; entry: TimelineEntry }[] = [];
    for (const record of this.received.values()) {
      const outcome = record.outcome;
      if (outcome === undefined) continue;
      if (outcome.kind === 'ok') {
        const id = outcome.plaintext.id;
        if (this.outgoing.has(id) || this.firstById.get(id) !== record.timetoken) continue;
      }
      placed.push({ tt: record.timetoken, seq: 0, entry: { kind: 'received', record } });
    }
    for (const record of this.outgoing.values()) placed.push({ tt: record.timetoken, seq: record.seq, entry: { kind: 'outgoing', record } });
    placed.sort((a, b) => {
      if (a.tt !== undefined && b.tt !== undefined) return compareTimetokens(a.tt, b.tt);
      if (a.tt === undefined && b.tt === undefined) return a.seq - b.seq;
      return a.tt === undefined ? 1 : -1;
    });
    return placed.map((p) => p.entry);
  }
}

function earlier(a: string | undefined, b: string): string {
  return a === undefined || compareTimetokens(b, a) < 0 ? b : a;
}
