/**
 * The profile's local history: the `LocalStore` opened on first use with the key from the keychain (a new
 * random key and an empty database the first time), and erased with its key on sign-out and revocation.
 */
import { join } from 'node:path';
import type { ConversationId } from '../../common/ids';
import { LocalStore, type PageQuery, type StoredMessage } from './localStore';
import type { SearchHit, SearchOptions } from './searchIndex';
import type { Snapshot, SnapshotName } from './snapshots';
import type { Outbox, OutboxLimits } from './outbox';
import type { LocalStoreKey } from './storeKey';

export const STORE_FILE = 'history.db';

export class LocalHistory {
  private opening: Promise<LocalStore> | undefined;
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly key: LocalStoreKey,
  ) {
    this.path = join(dataDir, STORE_FILE);
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
    return LocalStore.open(this.path, key);
  }

  async put(messages: readonly StoredMessage[]): Promise<void> {
    if (messages.length === 0) return;
    (await this.store()).put(messages);
  }

  async page(conversationId: ConversationId, query: PageQuery): Promise<StoredMessage[]> {
    return (await this.store()).page(conversationId, query);
  }

  async saveSnapshot(name: SnapshotName, value: unknown): Promise<void> {
    (await this.store()).saveSnapshot(name, value);
  }

  async loadSnapshot(name: SnapshotName): Promise<Snapshot | null> {
    return (await this.store()).loadSnapshot(name);
  }

  async around(conversationId: ConversationId, timetoken: string, limit: number): Promise<StoredMessage[]> {
    return (await this.store()).around(conversationId, timetoken, limit);
  }

  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    return (await this.store()).search(query, options);
  }

  /** The offline send queue in the same encrypted database. */
  async outbox(limits?: OutboxLimits): Promise<Outbox> {
    return (await this.store()).outbox(limits);
  }

  /** Closes the database (the file and key stay). */
  async close(): Promise<void> {
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
