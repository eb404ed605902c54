/**
 * One conversation inside the pipeline (docs/messaging.md §Receiving, §History, §Catch-up): its timeline and
 * annotations, its catch-up cursor, and the history reads. Envelopes from history and live go through
 * `ingest` (claimed once per timetoken, opened through the crypto port); pending ones are re-opened when
 * their key version becomes available. Catch-up pages forward from the persisted cursor (or loads the
 * newest page the first time) and advances the cursor page by page — the saved cursor never passes a
 * message still waiting for its key, which the host's store does not keep; scroll-back pages backward from
 * the oldest item. Catch-ups and scroll-backs are serialized per conversation.
 */
import { conversationPubnubChannel } from '../pubnubChannels';
import type { ConversationId, MessageId, UserId } from '../ids';
import { isNewerEdit } from '../protocol/chatAction';
import { Annotations, REACTION_ACTION, unstorableReason, type ActionChange, type ActionEvent, type HistoryActions } from './annotations';
import { MessagingError, TransportError } from './errors';
import type { CursorStore, MessageCrypto, OpenOutcome, StoredEntry, StoredHistory } from './ports';
import { Timeline, type ReceivedRecord } from './timeline';
import { classifyFailure, fetchPage, type HistoryEntry, type PageQuery, type PubNubClient } from './transport';
import { compareTimetokens, isTimetoken, nextTimetoken, timetokenOf } from './timetoken';

/** At most this many action changes per store write (the bridge's bound is 500). */
const KEEP_BATCH = 200;

/** The changes of a batch, one list per annotated message. */
function groupByMessage(changes: readonly ActionChange[]): ActionChange[][] {
  const groups = new Map<string, ActionChange[]>();
  for (const c of changes) groups.set(c.action.messageTimetoken, [...(groups.get(c.action.messageTimetoken) ?? []), c]);
  return [...groups.values()];
}

export interface SessionDeps {
  readonly pubnub: PubNubClient;
  readonly crypto: MessageCrypto;
  readonly cursors: CursorStore;
  /** The host's local store: its newest page is shown before the first catch-up. */
  readonly stored?: StoredHistory;
  readonly pageSize: number;
  /** Called after every visible change. */
  readonly changed: (conversationId: ConversationId) => void;
  /** Reports a failure of background work (a cursor save). */
  readonly failed: (conversationId: ConversationId, error: MessagingError) => void;
  readonly disposed: () => boolean;
  /** This user (whose own sends a delete for everyone scrubs too). */
  readonly self?: string;
}

/** One opened `reaction` envelope (docs/protocol.md §7.7), by its own id. */
interface ReactionRecord {
  readonly timetoken: string;
  readonly id: string;
  readonly sentAt: number;
  /** The verified sender user: the reaction's actor. */
  readonly senderUser: UserId;
  readonly value: string;
  readonly op: 'add' | 'remove';
}

/** An envelope as it arrives, from history or live. */
export type Arrival = Pick<HistoryEntry, 'timetoken' | 'publisher' | 'message'>;

export class ConversationSession {
  readonly timeline = new Timeline();
  readonly annotations = new Annotations();
  /** Messages deleted for me on this device (the view leaves them out). */
  readonly hidden = new Set<string>();
  readonly channel: string;
  /** True once history reached the first message of the channel. */
  reachedStart = false;
  /** True while the subscription is connected and caught up: live messages then advance the cursor. */
  live = false;
  private cursor: string | undefined;
  /** The cursor last saved (behind `cursor` while a message waits for its key). */
  private savedCursor: string | undefined;
  private cursorLoad: Promise<void> | undefined;
  private storedLoad: Promise<void> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private keyEpoch = 0;
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  private older: Promise<number> | undefined;
  /** Action changes waiting to be kept in the host's store (action id → change; a removal replaces an add). */
  private readonly toKeep = new Map<string, ActionChange>();
  private keeping: Promise<void> | undefined;
  /** Opened reaction envelopes by the message id they target (action id → record; a replay is kept once). */
  private readonly reactionsByTarget = new Map<MessageId, Map<string, ReactionRecord>>();

  constructor(
    readonly id: ConversationId,
    private readonly deps: SessionDeps,
  ) {
    this.channel = conversationPubnubChannel(id);
  }

  /** The catch-up cursor: every message at or before it has been received. */
  get lastTimetoken(): string | undefined {
    return this.cursor;
  }

  /** Records and opens an envelope; resolves once it is settled (at once for a duplicate). */
  ingest(arrival: Arrival): Promise<void> {
    const record = this.timeline.claim(arrival.timetoken, arrival.publisher, arrival.message);
    return record === undefined ? Promise.resolve() : this.open(record);
  }

  /** A live message: ingested, and the cursor follows it while the subscription is caught up. */
  receiveLive(arrival: Arrival): Promise<void> {
    if (this.live) this.advanceCursor(arrival.timetoken);
    return this.ingest(arrival);
  }

  /**
   * A read receipt learned as a clear message action (live event or this user's own): into the annotations
   * and, when it changed them, into the host's store (batched; a store failure is reported, messaging goes
   * on). False when it changed nothing. A clear `reaction` action is ignored: reactions travel as sealed
   * `reaction` envelopes (docs/protocol.md §7.7), and anyone who may publish could put any user id on a clear one.
   */
  applyAction(event: 'added' | 'removed', action: ActionEvent): boolean {
    if (action.type === REACTION_ACTION) return false;
    if (!this.annotations.apply(event, action)) return false;
    this.keep([{ event, action }]);
    return true;
  }

  /** Re-opens the envelopes waiting for `keyVersion`. */
  keyAvailable(keyVersion: number): Promise<void> {
    this.keyEpoch += 1;
    return Promise.all(this.timeline.pending(keyVersion).map((r) => this.open(r))).then(() => undefined);
  }

  /** Fetches everything after the cursor (the newest page when there is none). Serialized; re-runs if asked again meanwhile. */
  catchUp(): Promise<void> {
    if (this.catchingUp !== undefined) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.catchUpAgain = false;
          await this.catchUpOnce();
        } while (this.catchUpAgain && !this.deps.disposed());
      } finally {
        this.catchingUp = undefined;
      }
    };
    this.catchingUp = run();
    return this.catchingUp;
  }

  /** Loads the page of history before the oldest item; resolves to the number of messages it held. */
  loadOlder(): Promise<number> {
    this.older ??= this.loadOlderOnce().finally(() => {
      this.older = undefined;
    });
    return this.older;
  }

  private async catchUpOnce(): Promise<void> {
    await this.loadCursor();
    await this.loadStored();
    const count = this.deps.pageSize;
    if (this.cursor === undefined) {
      const page = await this.fetch({ count });
      await this.ingestPage(page);
      if (page.length < count) this.reachedStart = true;
      const newest = page.at(-1);
      if (newest !== undefined) this.advanceCursor(newest.timetoken);
      return;
    }
    for (;;) {
      const page = await this.fetch({ end: nextTimetoken(this.cursor), count });
      await this.ingestPage(page);
      const newest = page.at(-1);
      if (newest !== undefined) this.advanceCursor(newest.timetoken);
      if (newest === undefined || page.length < count || this.deps.disposed()) return;
    }
  }

  /**
   * The page before the oldest item: from the host's store first (no network; it keeps what PubNub's
   * retention dropped), then — when the store holds fewer than a page — from PubNub history before the
   * new oldest item. With PubNub out of reach, what the store gave stands (an error only if it gave nothing).
   */
  private async loadOlderOnce(): Promise<number> {
    await this.loadCursor();
    const count = this.deps.pageSize;
    const fromStore = await this.storedOlder(count);
    if (fromStore >= count) return fromStore;
    const oldest = this.timeline.oldest();
    const start = oldest ?? (this.cursor === undefined ? undefined : nextTimetoken(this.cursor));
    let page: HistoryEntry[];
    try {
      page = await this.fetch(start === undefined ? { count } : { start, count });
    } catch (error) {
      if (fromStore > 0) return fromStore;
      throw error;
    }
    await this.ingestPage(page);
    if (page.length < count) this.reachedStart = true;
    this.deps.changed(this.id);
    return fromStore + page.length;
  }

  /** Settles up to `count` stored messages older than the oldest item into the timeline; how many were new. */
  private async storedOlder(count: number): Promise<number> {
    const stored = this.deps.stored;
    const oldest = this.timeline.oldest();
    if (stored === undefined || oldest === undefined) return 0;
    let page;
    try {
      page = await stored.page(this.id, { before: oldest, limit: count });
    } catch (error) {
      this.deps.failed(
        this.id,
        new MessagingError('stored_history_failed', `stored history of ${this.id}: ${error instanceof Error ? error.message : String(error)}`),
      );
      return 0;
    }
    const added = this.settleStored(page);
    if (added > 0) this.deps.changed(this.id);
    return added;
  }

  /** Puts stored entries into the timeline as already opened (the timeline dedupes by timetoken); how many were new. */
  private settleStored(page: readonly StoredEntry[]): number {
    let added = 0;
    for (const entry of page) {
      if (!isTimetoken(entry.timetoken)) continue;
      for (const a of entry.actions ?? []) {
        const { removed, ...action } = a;
        this.annotations.apply(removed ? 'removed' : 'added', action);
      }
      const record = this.timeline.claim(timetokenOf(entry.timetoken), undefined, null);
      if (record === undefined) continue;
      this.timeline.settle(record, entry.outcome);
      this.applyReactions(entry.outcome, record.timetoken);
      added += 1;
    }
    return added;
  }

  private async ingestPage(page: HistoryEntry[]): Promise<void> {
    const learned: ActionChange[] = [];
    for (const entry of page) if (entry.actions !== undefined) learned.push(...this.applyHistory(entry.timetoken, entry.actions));
    await Promise.all(page.map((entry) => this.ingest(entry)));
    // After the messages were opened (and so stored): the store keeps actions of the messages it holds only.
    this.keep(learned);
    this.deps.changed(this.id);
  }

  /** A history page's `actions` of one message into the annotations; answers the changes. */
  private applyHistory(messageTimetoken: string, actions: HistoryActions): ActionChange[] {
    const changes: ActionChange[] = [];
    for (const [type, values] of Object.entries(actions)) {
      for (const [value, list] of Object.entries(values)) {
        for (const a of list) {
          if (type === REACTION_ACTION) continue; // clear reactions are not shown (applyAction)
          const action = { messageTimetoken, type, value, actor: a.uuid, actionTimetoken: a.actionTimetoken };
          if (this.annotations.apply('added', action)) changes.push({ event: 'added', action });
        }
      }
    }
    return changes;
  }

  /** Queues action changes for the host's store; one batch per turn, the next when it is done. */
  private keep(changes: readonly ActionChange[]): void {
    if (this.deps.stored?.keepActions === undefined) return;
    for (const change of changes) {
      if (unstorableReason(change.action) !== null) continue;
      const a = change.action;
      const id = `${a.messageTimetoken}/${a.actionTimetoken}/${a.type}/${a.value}/${a.actor}`;
      if (this.toKeep.get(id)?.event !== 'removed') this.toKeep.set(id, change);
    }
    if (this.toKeep.size === 0 || this.keeping !== undefined) return;
    this.keeping = Promise.resolve()
      .then(() => this.drainKept())
      .finally(() => {
        this.keeping = undefined;
        if (this.toKeep.size > 0) this.keep([]);
      });
  }

  private async drainKept(): Promise<void> {
    const keepActions = this.deps.stored?.keepActions?.bind(this.deps.stored);
    // Also after dispose: what was learned is written out (dispose waits for it through `flush`).
    while (keepActions !== undefined && this.toKeep.size > 0) {
      const batch = [...this.toKeep].slice(0, KEEP_BATCH).map(([id, change]) => {
        this.toKeep.delete(id);
        return change;
      });
      try {
        await keepActions(this.id, batch);
      } catch (error) {
        // A message over the store's bound (a flood of reactions) refuses the whole batch: the other
        // messages' actions are written one message at a time, so only that message's are left out.
        const byMessage = groupByMessage(batch);
        if ((error as { code?: unknown } | null)?.code === 'annotation_refused' && byMessage.length > 1) {
          for (const part of byMessage) await keepActions(this.id, part).catch((e: unknown) => this.keepFailed(e));
        } else this.keepFailed(error);
      }
    }
  }

  private keepFailed(error: unknown): void {
    this.deps.failed(
      this.id,
      new MessagingError('stored_history_failed', `keeping reactions and receipts of ${this.id}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private async fetch(query: PageQuery): Promise<HistoryEntry[]> {
    try {
      return await fetchPage(this.deps.pubnub, this.channel, query);
    } catch (error) {
      const failure = classifyFailure(error);
      throw new TransportError('history_failed', failure.code, `history of ${this.id}: ${failure.message}`);
    }
  }

  private async open(record: ReceivedRecord): Promise<void> {
    for (;;) {
      const epoch = this.keyEpoch;
      const outcome = await this.openSafely(record.envelope, record.timetoken);
      if (this.deps.disposed()) return;
      if (outcome.kind === 'pending' && epoch !== this.keyEpoch) continue;
      const waited = outcome.kind === 'pending' || record.outcome?.kind === 'pending';
      this.timeline.settle(record, outcome);
      if (waited) this.persistCursor();
      this.scrubDeleted(outcome);
      this.applyReactions(outcome, record.timetoken);
      // Actions learned before the message was opened (and stored) are kept now that the store holds it.
      if (outcome.kind !== 'pending') this.keep(this.annotations.known(record.timetoken));
      this.deps.changed(this.id);
      return;
    }
  }

  /**
   * A `reaction` envelope (docs/protocol.md §7.7), or a message its earlier reactions wait for, into the
   * annotations: a reaction by its verified sender user on the target message's timetoken, whose action
   * timetoken is the reaction envelope's. Of one user's reactions with one value on one message, the newest
   * (sentAt, id) decides (`isNewerEdit`): an `add` stands unless a newer `remove` exists, so arrival order and
   * replays change nothing. A reaction whose target is not here (yet, or in another conversation) shows nothing.
   */
  private applyReactions(outcome: OpenOutcome, timetoken: string): void {
    if (outcome.kind !== 'ok') return;
    const chat = outcome.chat;
    let target: MessageId = outcome.plaintext.id;
    if (chat?.kind === 'reaction') {
      target = chat.target;
      const records = this.reactionsByTarget.get(target) ?? new Map<string, ReactionRecord>();
      if (!records.has(outcome.plaintext.id)) {
        records.set(outcome.plaintext.id, {
          timetoken,
          id: outcome.plaintext.id,
          sentAt: outcome.plaintext.sentAt,
          senderUser: outcome.senderUser,
          value: chat.value,
          op: chat.op,
        });
      }
      this.reactionsByTarget.set(target, records);
    } else if (chat !== undefined && chat.kind !== 'reply') return;
    const records = [...(this.reactionsByTarget.get(target)?.values() ?? [])];
    if (records.length === 0) return;
    const messageTimetoken = this.timeline.messageTimetoken(target);
    if (messageTimetoken === undefined) return;
    const changes: ActionChange[] = [];
    for (const r of records) {
      if (r.op !== 'add') continue;
      const undone = records.some((o) => o.op === 'remove' && o.senderUser === r.senderUser && o.value === r.value && isNewerEdit(o, r));
      const event = undone ? 'removed' : 'added';
      const action: ActionEvent = { messageTimetoken, type: REACTION_ACTION, value: r.value, actor: r.senderUser, actionTimetoken: r.timetoken };
      if (this.annotations.apply(event, action)) changes.push({ event, action });
    }
    this.keep(changes);
  }

  /** A delete for everyone: the text of its target (when by the same author) leaves memory too. */
  private scrubDeleted(outcome: OpenOutcome): void {
    if (outcome.kind !== 'ok') return;
    const self = this.deps.self ?? '';
    if (outcome.chat?.kind === 'delete') {
      this.timeline.scrub(outcome.chat.target, outcome.senderUser, self);
      return;
    }
    // The original arriving after its author's delete (an index lookup: this runs for every message).
    if (this.timeline.deletedBy(outcome.plaintext.id, outcome.senderUser)) this.timeline.scrub(outcome.plaintext.id, outcome.senderUser, self);
  }

  private async openSafely(envelope: unknown, timetoken: string): Promise<OpenOutcome> {
    try {
      return await this.deps.crypto.open(this.id, envelope, { timetoken });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return { kind: 'rejected', code: typeof code === 'string' ? code : 'open_failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Once per session: the newest page of the host's store goes into the timeline as already opened (the
   * timeline dedupes by timetoken, so catch-up and live never show a stored message twice). Without a
   * cursor, catch-up continues after the newest stored timetoken. A store failure is reported; catch-up
   * carries on from PubNub.
   */
  private loadStored(): Promise<void> {
    this.storedLoad ??= this.readStored();
    return this.storedLoad;
  }

  private async readStored(): Promise<void> {
    const stored = this.deps.stored;
    if (stored === undefined) return;
    let page;
    try {
      page = await stored.page(this.id, { limit: this.deps.pageSize });
    } catch (error) {
      this.deps.failed(
        this.id,
        new MessagingError('stored_history_failed', `stored history of ${this.id}: ${error instanceof Error ? error.message : String(error)}`),
      );
      return;
    }
    if (this.deps.disposed() || page.length === 0) return;
    this.settleStored(page);
    const newest = page.at(-1)!.timetoken;
    if (this.cursor === undefined && isTimetoken(newest)) this.advanceCursor(timetokenOf(newest), false);
    this.deps.changed(this.id);
  }

  private async loadCursor(): Promise<void> {
    this.cursorLoad ??= this.deps.cursors.load(this.id).then((stored) => {
      if (!isTimetoken(stored)) return;
      this.savedCursor = timetokenOf(stored);
      this.advanceCursor(this.savedCursor, false);
    });
    await this.cursorLoad;
  }

  private advanceCursor(timetoken: string, persist = true): void {
    if (this.cursor !== undefined && compareTimetokens(timetoken, this.cursor) <= 0) return;
    this.cursor = timetoken;
    if (persist) this.persistCursor();
  }

  /**
   * Saves the cursor, held back before the oldest message still waiting for its key: the host's store keeps
   * only settled messages, so after a restart catch-up must fetch a waiting one again (a key version may wait
   * indefinitely, e.g. one the key service made until the user accepts server-managed keys, docs/protocol.md
   * §19.4). Saved again when a waiting message settles, so the saved cursor then moves on.
   */
  private persistCursor(): void {
    if (this.cursor === undefined) return;
    let saved = this.cursor;
    for (const record of this.timeline.pending()) {
      const before = (BigInt(record.timetoken) - 1n).toString();
      if (compareTimetokens(before, saved) < 0) saved = before;
    }
    if (saved === this.savedCursor) return;
    this.savedCursor = saved;
    const timetoken = saved;
    this.saving = this.saving
      .then(() => this.deps.cursors.save(this.id, timetoken))
      .catch((error: unknown) => {
        const failure = classifyFailure(error);
        this.deps.failed(this.id, new TransportError('cursor_failed', failure.code, `saving the cursor of ${this.id}: ${failure.message}`));
      });
  }

  /** Resolves when every cursor save and every store write of actions requested so far has finished. */
  async flush(): Promise<void> {
    await this.saving;
    while (this.keeping !== undefined) await this.keeping;
  }
}
