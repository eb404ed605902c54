/**
 * Per-channel role grants the key service's claim issuer puts in claims (docs/broadcast.md §2.1): the
 * owner of a channel id (the first channel creator to grant on it) grants and withdraws
 * `subscriber:<channelId>` / `publisher:<channelId>` for users. Kept in its own SQLite file
 * (`<dataDir>/claims/roles.sqlite`), apart from the key service database.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type ChannelRoleKind = 'subscriber' | 'publisher';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS channel_owners (channel_id TEXT PRIMARY KEY, owner_user_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS grants (user_id TEXT NOT NULL, role TEXT NOT NULL, channel_id TEXT NOT NULL, PRIMARY KEY (user_id, role));
`;

export class RoleGrants {
  private readonly db: Database.Database;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(path.join(dir, 'roles.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  /** The owner of a channel id, recording `candidate` as owner when it has none. */
  ownerOf(channelId: string, candidate: string, now: number): string {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT owner_user_id FROM channel_owners WHERE channel_id = ?').get(channelId) as { owner_user_id: string } | undefined;
      if (row) return row.owner_user_id;
      this.db.prepare('INSERT INTO channel_owners (channel_id, owner_user_id, created_at) VALUES (?, ?, ?)').run(channelId, candidate, now);
      return candidate;
    })();
  }

  grant(channelId: string, userId: string, role: string): void {
    this.db.prepare('INSERT INTO grants (user_id, role, channel_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(userId, role, channelId);
  }

  withdraw(userId: string, role: string): boolean {
    return this.db.prepare('DELETE FROM grants WHERE user_id = ? AND role = ?').run(userId, role).changes > 0;
  }

  rolesOf(userId: string): string[] {
    return (this.db.prepare('SELECT role FROM grants WHERE user_id = ? ORDER BY role').all(userId) as { role: string }[]).map((r) => r.role);
  }

  close(): void {
    this.db.close();
  }
}
