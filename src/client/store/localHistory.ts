/**
 * The profile's local history: the `LocalStore` opened on first use with the key from the keychain (a new
 * random key and an empty database the first time), and erased with its key on sign-out and revocation.
 * Expired messages (disappearing messages, expiry.ts) are deleted when the store opens — a device that was
 * offline deletes on its next start — then on a timer set to the next expiry, and when a timer changes;
 * `onExpired` listeners hear what was deleted.
 */
import type { ReleasedAttachment } from './attachmentStore';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Emitter } from '../../common/events/emitter';
import type { ConversationId, MessageId, UserId } from '../../common/ids';
import type { ChatState } from '../../common/messaging/ports';
import type { NotAuthorError } from '../../common/protocol/errors';
import type { TimerChange } from '../../common/protocol/disappearing';
import { expiryNow, onExpiryClockAdvanced, type ExpiredMessage } from './expiry';
import { LocalStore, type PageQuery, type StoredMessage } from './localStore';
import type { SearchHit, SearchOptions } from './searchIndex';
import type { Snapshot, SnapshotName } from './snapshots';
import type { Outbox, OutboxLimits } from './outbox';
import type { LocalStoreKey } from './storeKey';
import type { ActionChange, StoredAction } from './annotationStore';
import type { Draft } from './draftStore';

/** The longest wait between two expiry sweeps (a sleeping machine's timers run late). */
const SWEEP_MAX_WAIT_MS = 60_000;
/**
 * The shortest gap between two timed sweeps: messages that expire close together go in one sweep (each
 * sweep that deletes rewrites the search index). The window hides a message at its time regardless.
 */
const SWEEP_MIN_GAP_MS = 30_000;

export const STORE_FILE = 'history.db';

export class LocalHistory {
  private opening: Promise<LocalStore> | undefined;
  /** The JSON of each snapshot as last saved or read (see `saveSnapshot`). */
  private readonly snapshotJson = new Map<SnapshotName, string>();
  readonly path: string;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSweep = 0;
  private readonly expired = new Emitter<[messages: readonly ExpiredMessage[]]>();
  private readonly released = new Emitter<[attachments: readonly ReleasedAttachment[]]>();

  constructor(
    dataDir: string,
    private readonly key: LocalStoreKey,
  ) {
    this.path = join(dataDir, STORE_FILE);
    onExpiryClockAdvanced(() => {
      if (this.opening !== undefined) void this.sweep();
    });
  }

  /** `listener` hears the messages each sweep deleted (to drop them from the UI). */
  onExpired(listener: (messages: readonly ExpiredMessage[]) => void): () => void {
    return this.expired.event(listener);
  }

  /**
   * `listener` hears the files of messages deleted for everyone, deleted for me or expired, once their
   * rows left the store (attachmentStore.ts): it deletes the local copies and this device's store objects.
   */
  onAttachmentsReleased(listener: (attachments: readonly ReleasedAttachment[]) => void): () => void {
    return this.released.event(listener);
  }

  /** Takes out the files whose messages are gone and tells the listeners. */
  private releaseAttachments(store: LocalStore): void {
    const gone = store.sweepAttachments();
    if (gone.length > 0) this.released.fire(gone);
  }

  /** The kept descriptor of a file message (attachmentStore.ts), or undefined. */
  async attachment(conversationId: ConversationId, messageId: MessageId): Promise<ReturnType<LocalStore['attachment']>> {
    return (await this.store()).attachment(conversationId, messageId);
  }

  /** Records a decrypted copy saved on this device, deleted with the message. */
  async addLocalCopy(conversationId: ConversationId, messageId: MessageId, path: string): Promise<boolean> {
    return (await this.store()).addLocalCopy(conversationId, messageId, path);
  }

  /** Deletes what expired by now and sets the timer for the next expiry; failures are reported, not thrown. */
  async sweep(): Promise<readonly ExpiredMessage[]> {
    try {
      const store = await this.store();
      this.lastSweep = Date.now();
      const gone = store.deleteExpired(expiryNow());
      this.schedule(store);
      if (gone.length > 0) {
        this.expired.fire(gone);
        this.releaseAttachments(store);
      }
      return gone;
    } catch (err) {
      console.error(`local store expiry: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }

  private schedule(store: LocalStore): void {
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    const next = store.nextExpiry();
    if (next === null) return;
    const due = Math.max(next - expiryNow() + 50, this.lastSweep + SWEEP_MIN_GAP_MS - Date.now(), 0);
    this.sweepTimer = setTimeout(() => void this.sweep(), Math.min(due, SWEEP_MAX_WAIT_MS));
    this.sweepTimer.unref?.();
  }

  /**
   * At start (signed in): when a database exists, opens it — which deletes what expired while the app was
   * closed — and sets the timer for the next expiry. Creates nothing when there is no database yet.
   */
  async sweepIfPresent(): Promise<readonly ExpiredMessage[]> {
    if (this.opening === undefined && !existsSync(this.path)) return [];
    return this.sweep();
  }

  /** Records a conversation's verified timer changes; messages it makes expire are deleted at once. */
  async setTimers(conversationId: ConversationId, changes: readonly TimerChange[]): Promise<void> {
    const store = await this.store();
    if (store.setTimers(conversationId, changes)) await this.sweep();
  }

  private store(): Promise<LocalStore> {
    this.opening ??= this.openStore().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async openStore(): Promise<LocalStore> {
    let key = await this.key.load();
    if (key === null) {
      // A database whose key is gone is unreadable to anyone: start a new one under a new key.
      LocalStore.erase(this.path);
      key = await this.key.create();
    }
    const store = LocalStore.open(this.path, key);
    // What expired while the app was closed goes first, before anything is read.
    const gone = store.deleteExpired(expiryNow());
    this.schedule(store);
    if (gone.length > 0) queueMicrotask(() => this.expired.fire(gone));
    queueMicrotask(() => this.releaseAttachments(store));
    return store;
  }

  /** Stores opened envelopes; answers the edits and deletes refused as not by the message's author (chatStore.ts). */
  async put(messages: readonly StoredMessage[]): Promise<{ timetoken: string; error: NotAuthorError }[]> {
    if (messages.length === 0) return [];
    const store = await this.store();
    const refused = store.put(messages);
    this.schedule(store);
    if (messages.some((m) => m.outcome.kind === 'ok' && m.outcome.chat?.kind === 'delete')) this.releaseAttachments(store);
    return refused;
  }

  /** Deletes a message for this device only. */
  async hideForMe(conversationId: ConversationId, messageId: MessageId): Promise<void> {
    const store = await this.store();
    store.hideForMe(conversationId, messageId);
    this.releaseAttachments(store);
  }

  /** Saves (or, when empty, deletes) a conversation's draft. */
  async saveDraft(conversationId: ConversationId, text: string): Promise<void> {
    (await this.store()).saveDraft(conversationId, text, Date.now());
  }

  /** The kept drafts, newest first. */
  async drafts(): Promise<Draft[]> {
    return (await this.store()).drafts();
  }

  /** What edits and deletes did to some stored messages. */
  async chatStates(conversationId: ConversationId, ids: readonly MessageId[]): Promise<Map<MessageId, ChatState & { hidden?: true }>> {
    return (await this.store()).chatStates(conversationId, ids);
  }

  /** The versions of an edited message, oldest first. */
  async versions(conversationId: ConversationId, messageId: MessageId): Promise<{ id: string; sentAt: number; text: string; author: UserId }[]> {
    return (await this.store()).versions(conversationId, messageId);
  }

  async page(conversationId: ConversationId, query: PageQuery): Promise<StoredMessage[]> {
    return (await this.store()).page(conversationId, query);
  }

  /** Saves the snapshot unless it is what this object last saved or read under that name (no write per unchanged list). */
  async saveSnapshot(name: SnapshotName, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (this.snapshotJson.get(name) === json) return;
    (await this.store()).saveSnapshot(name, json);
    this.snapshotJson.set(name, json);
  }

  async loadSnapshot(name: SnapshotName): Promise<Snapshot | null> {
    const kept = (await this.store()).loadSnapshot(name);
    if (kept !== null) this.snapshotJson.set(name, kept.json);
    return kept;
  }

  async around(conversationId: ConversationId, timetoken: string, limit: number): Promise<StoredMessage[]> {
    return (await this.store()).around(conversationId, timetoken, limit);
  }

  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    return (await this.store()).search(query, options);
  }

  async putActions(conversationId: ConversationId, changes: readonly ActionChange[]): Promise<number> {
    return (await this.store()).putActions(conversationId, changes);
  }

  async actions(conversationId: ConversationId, timetokens: readonly string[]): Promise<StoredAction[]> {
    return (await this.store()).actions(conversationId, timetokens);
  }

  /** The offline send queue in the same encrypted database. */
  async outbox(limits?: OutboxLimits): Promise<Outbox> {
    return (await this.store()).outbox(limits);
  }

  /** Closes the database (the file and key stay). */
  async close(): Promise<void> {
    this.snapshotJson.clear();
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    const opening = this.opening;
    this.opening = undefined;
    (await opening?.catch(() => undefined))?.close();
  }

  /** Closes and deletes the database file and its keychain item. */
  async erase(): Promise<void> {
    await this.close();
    LocalStore.erase(this.path);
    await this.key.clear();
  }
}
