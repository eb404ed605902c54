/**
 * The messaging pipeline (docs/messaging.md): transport-agnostic logic over
 * the real `pubnub` SDK and the crypto port, used by the Node CLI directly and by the renderer with crypto
 * through the preload bridge. It joins many conversations at once (one SDK subscription each), catches up
 * from history on join and on every (re)connect, feeds live messages, signals and message actions into
 * each conversation's timeline, sends with a delivery state, and tells listeners which conversation
 * changed. `dispose()` unsubscribes, removes every listener and stops every timer.
 */
import type PubNub from 'pubnub';
import { ConversationIdSchema, newMessageId, type ConversationId, type MessageId } from '../ids';
import { attachmentPlaintext, type AttachmentMessage } from '../protocol/attachmentMessage';
import { isProtocolError } from '../protocol/errors';
import * as annotate from './annotate';
import { REACTION_ACTION } from './annotations';
import * as chat from './chatActions';
import { handleStatus, routeAction, routeMessage, routeSignal } from './events';
import { ConversationSession } from './conversationSession';
import { conversationView, newestMessageTimetoken, type ConversationView } from './conversationView';
import { Emitter } from '../events/emitter';
import { DisposedError, InvalidInputError, MessagingError, TransportError } from './errors';
import { resolveSettings, type MessagingOptions } from './options';
import * as sending from './send';
import { classifyFailure, type PubNubClient } from './transport';
import { TypingTracker } from './typing';
import { timetokenOf } from './timetoken';

export type { ConversationView } from './conversationView';
export type { MessagingOptions } from './options';

export type ChangeListener = (conversationId: ConversationId) => void;
export type ErrorListener = (error: MessagingError, conversationId: ConversationId | undefined) => void;

export class Messaging {
  private readonly pubnub: PubNubClient;
  private readonly sessions = new Map<ConversationId, ConversationSession>();
  private readonly subscriptions = new Map<ConversationId, PubNub.Subscription>();
  private readonly typing: TypingTracker;
  private readonly typingSent = new Map<ConversationId, { on: boolean; at: number }>();
  private readonly changed = new Emitter<Parameters<ChangeListener>>({
    onListenerError: (error, id) =>
      this.report(new MessagingError('listener_failed', `a change listener threw: ${error instanceof Error ? error.message : String(error)}`), id),
  });
  private readonly failed = new Emitter<Parameters<ErrorListener>>({
    // An error listener that throws has nobody left to report to; the pipeline carries on.
    onListenerError: () => undefined,
  });
  private readonly revisions = new Map<ConversationId, number>();
  private readonly views = new Map<ConversationId, { revision: number; view: ConversationView }>();
  private readonly dirty = new Set<ConversationId>();
  private readonly statusListener: PubNub.Listener;
  private readonly stopKeyListener: () => void;
  private readonly now: () => number;
  private readonly pageSize: number;
  private readonly typingRepeatMs: number;
  /** Increases on every disconnect: a catch-up that started before one does not make a conversation live. */
  connectionEpoch = 0;
  private disposed = false;

  constructor(private readonly options: MessagingOptions) {
    const settings = resolveSettings(options);
    this.pubnub = options.pubnub;
    this.now = settings.now;
    this.pageSize = settings.pageSize;
    this.typingRepeatMs = settings.typingRepeatMs;
    this.typing = new TypingTracker(settings.typingTimeoutMs, settings.timers, (id) => this.markChanged(id));
    this.statusListener = { status: (status) => handleStatus(this, status) };
    this.pubnub.addListener(this.statusListener);
    this.stopKeyListener = options.crypto.onKeyAvailable((conversationId, keyVersion) => {
      const session = this.sessions.get(conversationId);
      if (session !== undefined && !this.disposed) void session.keyAvailable(keyVersion);
    });
  }

  /** Subscribes to the conversations and catches each up from its cursor; resolves when all are caught up. */
  async join(conversationIds: readonly ConversationId[]): Promise<void> {
    const sessions = this.checkedSessions(conversationIds);
    for (const session of sessions) {
      if (this.subscriptions.has(session.id)) continue;
      const subscription = this.pubnub.channel(session.channel).subscription();
      subscription.addListener({
        message: (event) => routeMessage(this, session, event),
        signal: (event) => routeSignal(this, session, event),
        messageAction: (event) => routeAction(this, session, event),
      });
      this.subscriptions.set(session.id, subscription);
      subscription.subscribe();
      this.markChanged(session.id);
    }
    await Promise.all(sessions.map((session) => session.catchUp()));
  }

  /** Unsubscribes from the conversations (their timelines stay readable). */
  leave(conversationIds: readonly ConversationId[]): void {
    for (const session of this.checkedSessions(conversationIds)) {
      this.subscriptions.get(session.id)?.dispose();
      this.subscriptions.delete(session.id);
      session.live = false;
      this.typing.clear(session.id);
      this.markChanged(session.id);
    }
  }

  /** Joined conversations. */
  joined(): ConversationId[] {
    return [...this.subscriptions.keys()];
  }

  /** Fetches what arrived after the cursor (all joined conversations when none is named). */
  async catchUp(conversationId?: ConversationId): Promise<void> {
    const sessions = conversationId === undefined ? this.joinedSessions() : this.checkedSessions([conversationId]);
    await Promise.all(sessions.map((s) => s.catchUp()));
  }

  /** Loads the page of history before the oldest item. */
  async loadOlder(conversationId: ConversationId): Promise<{ added: number; reachedStart: boolean }> {
    const session = this.sessionOf(conversationId);
    const added = await session.loadOlder();
    return { added, reachedStart: session.reachedStart };
  }

  /** Sends a message; resolves with how the send ended (a failure is also shown on the item). */
  async send(conversationId: ConversationId, content: sending.MessageContent): Promise<sending.SendOutcome> {
    const session = this.sessionOf(conversationId);
    const id: MessageId = newMessageId({ randomBytes: this.options.randomBytes });
    const plaintext = sending.newPlaintext(content, id, this.now());
    this.typingSent.delete(conversationId);
    return sending.send(session, plaintext, this.sendDeps());
  }

  /** Sends a reply quoting message `replyTo` (a `reply` envelope, docs/protocol.md §7.7). */
  async reply(conversationId: ConversationId, replyTo: MessageId, text: string): Promise<sending.SendOutcome> {
    const session = this.sessionOf(conversationId);
    const id: MessageId = newMessageId({ randomBytes: this.options.randomBytes });
    const plaintext = chat.actionPlaintext({ kind: 'reply', replyTo, text }, id, this.now());
    this.typingSent.delete(conversationId);
    return sending.send(session, plaintext, this.sendDeps(), replyTo);
  }

  /**
   * Sends a file whose ciphertext is already stored (an `attachment` envelope, docs/protocol.md §7.9): the
   * descriptor and an optional caption. Forwarding is this with a descriptor received earlier (no upload).
   * InvalidInputError for a descriptor or caption that does not fit the shape.
   */
  async sendAttachment(conversationId: ConversationId, attachment: AttachmentMessage): Promise<sending.SendOutcome> {
    const session = this.sessionOf(conversationId);
    const id: MessageId = newMessageId({ randomBytes: this.options.randomBytes });
    let plaintext;
    try {
      plaintext = attachmentPlaintext(attachment, id, this.now());
    } catch (error) {
      if (isProtocolError(error)) throw new InvalidInputError(error.message);
      throw error;
    }
    this.typingSent.delete(conversationId);
    return sending.send(session, plaintext, this.sendDeps(), undefined, attachment);
  }

  /** Edits one of this user's messages (an `edit` envelope); NotAuthorError for anyone else's. Resolves with its timetoken. */
  async edit(conversationId: ConversationId, target: MessageId, text: string): Promise<string> {
    const session = this.sessionOf(conversationId);
    chat.ownMessage(this.view(conversationId).items, target, this.options.self.userId, 'edit');
    const id: MessageId = newMessageId({ randomBytes: this.options.randomBytes });
    const action = { kind: 'edit' as const, target, text };
    return chat.publishAction(session, action, chat.actionPlaintext(action, id, this.now()), this.chatDeps());
  }

  /** Deletes one of this user's messages for everyone (a `delete` envelope); NotAuthorError for anyone else's. */
  async deleteForEveryone(conversationId: ConversationId, target: MessageId): Promise<string> {
    const session = this.sessionOf(conversationId);
    chat.ownMessage(this.view(conversationId).items, target, this.options.self.userId, 'delete');
    const id: MessageId = newMessageId({ randomBytes: this.options.randomBytes });
    const action = { kind: 'delete' as const, target };
    return chat.publishAction(session, action, chat.actionPlaintext(action, id, this.now()), this.chatDeps());
  }

  /** Deletes a message on this device only (the host's store drops its text); nothing is sent. */
  async deleteForMe(conversationId: ConversationId, messageId: MessageId): Promise<void> {
    const session = this.sessionOf(conversationId);
    await this.options.stored?.hideForMe?.(conversationId, messageId);
    session.hidden.add(messageId);
    this.markChanged(conversationId);
  }

  /** Sends a failed message again, sealed with the current key version. */
  async retry(conversationId: ConversationId, messageId: MessageId): Promise<sending.SendOutcome> {
    const session = this.sessionOf(conversationId);
    return sending.retry(session, messageId, this.sendDeps());
  }

  /** Tells the others this user is (or stopped) typing; repeated `true` calls are throttled. */
  async setTyping(conversationId: ConversationId, typing: boolean): Promise<void> {
    const session = this.sessionOf(conversationId);
    const last = this.typingSent.get(conversationId);
    const now = this.now();
    if (typing ? last?.on === true && now - last.at < this.typingRepeatMs : last?.on !== true) return;
    this.typingSent.set(conversationId, { on: typing, at: now });
    try {
      await this.pubnub.signal({ channel: session.channel, message: { typing } });
    } catch (error) {
      this.typingSent.delete(conversationId);
      const failure = classifyFailure(error);
      throw new TransportError('signal_failed', failure.code, `typing signal: ${failure.message}`);
    }
  }

  /** Marks the conversation read up to a message (the newest one when none is named). */
  async markRead(conversationId: ConversationId, messageTimetoken?: string): Promise<void> {
    const session = this.sessionOf(conversationId);
    const target = messageTimetoken === undefined ? newestMessageTimetoken(this.view(conversationId).items) : timetokenOf(messageTimetoken);
    if (target !== undefined) await annotate.markRead(session, target, this.annotateDeps());
  }

  /** Adds this user's reaction (an emoji or short code) to a message: a sealed `reaction` envelope (docs/protocol.md §7.7). */
  async react(conversationId: ConversationId, messageTimetoken: string, value: string): Promise<void> {
    return this.setReaction(conversationId, messageTimetoken, value, 'add');
  }

  /** Removes this user's reaction from a message (a `reaction` envelope with `op: "remove"`). */
  async unreact(conversationId: ConversationId, messageTimetoken: string, value: string): Promise<void> {
    return this.setReaction(conversationId, messageTimetoken, value, 'remove');
  }

  private async setReaction(conversationId: ConversationId, messageTimetoken: string, value: string, op: 'add' | 'remove'): Promise<void> {
    const session = this.sessionOf(conversationId);
    const timetoken = timetokenOf(messageTimetoken);
    annotate.checkReaction(value);
    const present = session.annotations.find(timetoken, REACTION_ACTION, value, this.options.self.userId) !== undefined;
    if (present === (op === 'add')) return;
    const target = chat.messageAt(this.view(conversationId).items, timetoken).id;
    const id: MessageId = newMessageId({ randomBytes: this.options.randomBytes });
    const action = { kind: 'reaction' as const, target, value, op };
    await chat.publishAction(session, action, chat.actionPlaintext(action, id, this.now()), this.chatDeps());
  }

  /** The conversation as the UI shows it; the same object until something changes. */
  view(conversationId: ConversationId): ConversationView {
    const session = this.sessionOf(conversationId);
    const revision = this.revisions.get(session.id) ?? 0;
    const cached = this.views.get(session.id);
    if (cached !== undefined && cached.revision === revision) return cached.view;
    const actor = this.pubnub.getUserId();
    const view = conversationView(session, this.subscriptions.has(session.id), this.typing.actors(session.id), { self: this.options.self, actor });
    this.views.set(session.id, { revision, view });
    return view;
  }

  /** Calls `listener` (batched per microtask) with each conversation whose view changed. */
  onChange(listener: ChangeListener): () => void {
    return this.changed.event(listener);
  }

  /** Calls `listener` with failures of background work (catch-up after a reconnect, cursor saves, live input). */
  onError(listener: ErrorListener): () => void {
    return this.failed.event(listener);
  }

  /** Unsubscribes everything, removes every listener, stops every timer; waits for pending cursor saves. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const subscription of this.subscriptions.values()) subscription.dispose();
    this.subscriptions.clear();
    this.pubnub.removeListener(this.statusListener);
    this.stopKeyListener();
    this.typing.dispose();
    this.changed.clear();
    this.failed.clear();
    await Promise.all([...this.sessions.values()].map((s) => s.flush()));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal The typing tracker (events.ts). */
  get typingTracker(): TypingTracker {
    return this.typing;
  }

  /** @internal Sessions subscribed now. */
  joinedSessions(): ConversationSession[] {
    return [...this.subscriptions.keys()].flatMap((id) => this.sessions.get(id) ?? []);
  }

  /** @internal Records a change and schedules the listeners. */
  markChanged(conversationId: ConversationId): void {
    this.revisions.set(conversationId, (this.revisions.get(conversationId) ?? 0) + 1);
    if (this.disposed || this.dirty.has(conversationId)) return;
    if (this.dirty.size === 0) queueMicrotask(() => this.flushChanges());
    this.dirty.add(conversationId);
  }

  /** @internal Reports a background failure. */
  report(error: unknown, conversationId: ConversationId | undefined): void {
    if (this.disposed) return;
    const failure = error instanceof MessagingError ? error : toTransportError(error);
    this.failed.fire(failure, conversationId);
  }

  private flushChanges(): void {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) this.changed.fire(id);
  }

  private checkedSessions(conversationIds: readonly ConversationId[]): ConversationSession[] {
    if (this.disposed) throw new DisposedError();
    if (!Array.isArray(conversationIds)) throw new InvalidInputError('conversation ids must be a list');
    const ids = conversationIds.map(checkedId);
    return ids.map((id) => this.sessionOf(id));
  }

  private sessionOf(raw: ConversationId): ConversationSession {
    if (this.disposed) throw new DisposedError();
    const id = checkedId(raw);
    let session = this.sessions.get(id);
    if (session === undefined) {
      session = new ConversationSession(id, {
        pubnub: this.pubnub,
        crypto: this.options.crypto,
        cursors: this.options.cursors,
        ...(this.options.stored === undefined ? {} : { stored: this.options.stored }),
        pageSize: this.pageSize,
        changed: (cid) => this.markChanged(cid),
        failed: (cid, error) => this.report(error, cid),
        disposed: () => this.disposed,
        self: this.options.self.userId,
      });
      this.sessions.set(id, session);
    }
    return session;
  }

  private sendDeps(): sending.SendDeps {
    return { pubnub: this.pubnub, crypto: this.options.crypto, changed: (s) => this.markChanged(s.id) };
  }

  private chatDeps(): chat.ChatActionDeps {
    return { pubnub: this.pubnub, crypto: this.options.crypto, self: this.options.self.userId, changed: (s) => this.markChanged(s.id) };
  }

  private annotateDeps(): annotate.AnnotateDeps {
    return { pubnub: this.pubnub, changed: (s) => this.markChanged(s.id) };
  }
}

/** Creates a messaging pipeline. */
export function createMessaging(options: MessagingOptions): Messaging {
  return new Messaging(options);
}

function checkedId(raw: unknown): ConversationId {
  const parsed = ConversationIdSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(`not a conversation id: ${JSON.stringify(raw)}`);
  return parsed.data;
}

function toTransportError(error: unknown): TransportError {
  const failure = classifyFailure(error);
  const code = (error as { code?: unknown } | null)?.code;
  return new TransportError(code === 'cursor_failed' ? 'cursor_failed' : 'history_failed', failure.code, failure.message);
}
