/**
 * Per-channel role grants the key service's claim issuer puts in claims, and the channel directory
 * (docs/broadcast.md §2.1): the owner of a channel id — the creator of the verified descriptor listed
 * for it, and no one else — grants and withdraws `subscriber:<channelId>` / `publisher:<channelId>` for
 * users; an id nobody listed has no owner, so nobody can grant on it. The directory lists signed
 * descriptors so clients can find channels. Kept in its own SQLite file (`<dataDir>/claims/roles.sqlite`),
 * apart from the key service database.
 *
 * Earlier versions made the first user to grant on an unlisted id its owner; opening the file drops such
 * owners and their grants (a channel listed since keeps its creator as owner).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS channel_owners (channel_id TEXT PRIMARY KEY, owner_user_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS grants (user_id TEXT NOT NULL, role TEXT NOT NULL, channel_id TEXT NOT NULL, PRIMARY KEY (user_id, role));
CREATE TABLE IF NOT EXISTS directory (channel_id TEXT PRIMARY KEY, creator_user_id TEXT NOT NULL, descriptor TEXT NOT NULL, created_at INTEGER NOT NULL);
`;

export class RoleGrants {
  private readonly db: Database.Database;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(path.join(dir, 'roles.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.db.transaction(() => {
      this.db.exec('DELETE FROM grants WHERE channel_id NOT IN (SELECT channel_id FROM directory)');
      this.db.exec('DELETE FROM channel_owners WHERE channel_id NOT IN (SELECT channel_id FROM directory)');
    })();
  }

  /** The owner of a channel id: the creator who listed it; undefined for an id nobody listed. */
  ownerOf(channelId: string): string | undefined {
    const row = this.db.prepare('SELECT owner_user_id FROM channel_owners WHERE channel_id = ?').get(channelId) as { owner_user_id: string } | undefined;
    return row?.owner_user_id;
  }

  grant(channelId: string, userId: string, role: string): void {
    this.db.prepare('INSERT INTO grants (user_id, role, channel_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(userId, role, channelId);
  }

  withdraw(userId: string, role: string): boolean {
    return this.db.prepare('DELETE FROM grants WHERE user_id = ? AND role = ?').run(userId, role).changes > 0;
  }

  /** Removes every per-channel grant of a user (offboarding, admin/broadcastOffboarding.ts); how many there were. */
  withdrawAll(userId: string): number {
    return this.db.prepare('DELETE FROM grants WHERE user_id = ?').run(userId).changes;
  }

  /** Every listed channel id, sorted. */
  listedIds(): string[] {
    return (this.db.prepare('SELECT channel_id FROM directory ORDER BY channel_id').all() as { channel_id: string }[]).map((r) => r.channel_id);
  }

  /** Channel ids whose owner is `userId`. */
  ownedBy(userId: string): string[] {
    return (this.db.prepare('SELECT channel_id FROM channel_owners WHERE owner_user_id = ? ORDER BY channel_id').all(userId) as { channel_id: string }[]).map(
      (r) => r.channel_id,
    );
  }

  /** Per-channel grants of a user. */
  grantsOf(userId: string): { channelId: string; role: string }[] {
    return (
      this.db.prepare('SELECT channel_id, role FROM grants WHERE user_id = ? ORDER BY channel_id, role').all(userId) as { channel_id: string; role: string }[]
    ).map((r) => ({
      channelId: r.channel_id,
      role: r.role,
    }));
  }

  rolesOf(userId: string): string[] {
    return (this.db.prepare('SELECT role FROM grants WHERE user_id = ? ORDER BY role').all(userId) as { role: string }[]).map((r) => r.role);
  }

  /**
   * Lists a verified descriptor in the directory and makes its creator the id's owner, in one
   * transaction: `listed` when done, `taken` when another user owns the id, `already` when it is listed.
   */
  list(channelId: string, creatorUserId: string, descriptor: string, now: number): 'listed' | 'taken' | 'already' {
    return this.db.transaction(() => {
      const owner = this.ownerOf(channelId);
      if (owner !== undefined && owner !== creatorUserId) return 'taken';
      const inserted = this.db
        .prepare('INSERT INTO directory (channel_id, creator_user_id, descriptor, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(channelId, creatorUserId, descriptor, now).changes;
      if (inserted === 0) return 'already';
      this.db
        .prepare('INSERT INTO channel_owners (channel_id, owner_user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(channelId, creatorUserId, now);
      return 'listed';
    })();
  }

  /** Every listed descriptor (JSON), oldest first. */
  listed(): string[] {
    return (this.db.prepare('SELECT descriptor FROM directory ORDER BY created_at, channel_id').all() as { descriptor: string }[]).map((r) => r.descriptor);
  }

  close(): void {
    this.db.close();
  }
}
