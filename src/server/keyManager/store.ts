/**
 * The key manager's own storage (docs/broadcast.md §6): one SQLite file `<dataDir>/keymanager.sqlite`
 * with channels (the signed descriptor), key versions (public key, sealed private key), revoked users
 * and the certificates of devices that fetched a publishing key. Every write is one transaction;
 * better-sqlite3 is synchronous, so a version number read and the insert of the next cannot interleave.
 */
import Database from 'better-sqlite3';
import path from 'node:path';

export interface StoredVersion {
  readonly version: number;
  readonly publicKey: Uint8Array;
  readonly sealedPrivateKey: Uint8Array;
  readonly createdAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS channels (channel_id TEXT PRIMARY KEY, descriptor TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS key_versions (
  channel_id TEXT NOT NULL REFERENCES channels(channel_id), version INTEGER NOT NULL,
  public_key BLOB NOT NULL, sealed_private_key BLOB NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, version));
CREATE TABLE IF NOT EXISTS revocations (
  channel_id TEXT NOT NULL REFERENCES channels(channel_id), user_id TEXT NOT NULL, from_version INTEGER NOT NULL, revoked_at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, user_id));
CREATE TABLE IF NOT EXISTS publishers (
  channel_id TEXT NOT NULL REFERENCES channels(channel_id), device_id TEXT NOT NULL, user_id TEXT NOT NULL, certificate TEXT NOT NULL,
  PRIMARY KEY (channel_id, device_id));
`;

interface VersionRow {
  version: number;
  public_key: Buffer;
  sealed_private_key: Buffer;
  created_at: number;
}

function toVersion(r: VersionRow): StoredVersion {
  return { version: r.version, publicKey: new Uint8Array(r.public_key), sealedPrivateKey: new Uint8Array(r.sealed_private_key), createdAt: r.created_at };
}

export class KeyManagerStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    this.db = new Database(path.join(dataDir, 'keymanager.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  /** Inserts the channel with version 1; false when the channel id is taken. */
  createChannel(channelId: string, descriptor: string, first: Omit<StoredVersion, 'version'>): boolean {
    return this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM channels WHERE channel_id = ?').get(channelId);
      if (exists) return false;
      this.db.prepare('INSERT INTO channels (channel_id, descriptor, created_at) VALUES (?, ?, ?)').run(channelId, descriptor, first.createdAt);
      this.db
        .prepare('INSERT INTO key_versions (channel_id, version, public_key, sealed_private_key, created_at) VALUES (?, 1, ?, ?, ?)')
        .run(channelId, Buffer.from(first.publicKey), Buffer.from(first.sealedPrivateKey), first.createdAt);
      return true;
    })();
  }

  descriptor(channelId: string): string | undefined {
    const row = this.db.prepare('SELECT descriptor FROM channels WHERE channel_id = ?').get(channelId) as { descriptor: string } | undefined;
    return row?.descriptor;
  }

  versions(channelId: string): StoredVersion[] {
    const rows = this.db
      .prepare('SELECT version, public_key, sealed_private_key, created_at FROM key_versions WHERE channel_id = ? ORDER BY version')
      .all(channelId) as VersionRow[];
    return rows.map(toVersion);
  }

  current(channelId: string): StoredVersion | undefined {
    const row = this.db
      .prepare('SELECT version, public_key, sealed_private_key, created_at FROM key_versions WHERE channel_id = ? ORDER BY version DESC LIMIT 1')
      .get(channelId) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  /**
   * Records the revocation and appends the next version in one transaction; `seal` seals the new private
   * key for the version number it gets. Returns that version.
   */
  revoke(channelId: string, userId: string, next: { publicKey: Uint8Array; seal: (version: number) => Uint8Array; createdAt: number }): number {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM key_versions WHERE channel_id = ?').get(channelId) as { v: number };
      const version = row.v + 1;
      this.db
        .prepare('INSERT INTO key_versions (channel_id, version, public_key, sealed_private_key, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(channelId, version, Buffer.from(next.publicKey), Buffer.from(next.seal(version)), next.createdAt);
      this.db
        .prepare('INSERT INTO revocations (channel_id, user_id, from_version, revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(channelId, userId, version, next.createdAt);
      return version;
    })();
  }

  /** Lifts a revocation (a reactivated account, admin/broadcastOffboarding.ts); false when there was none. */
  unrevoke(channelId: string, userId: string): boolean {
    return this.db.prepare('DELETE FROM revocations WHERE channel_id = ? AND user_id = ?').run(channelId, userId).changes > 0;
  }

  isRevoked(channelId: string, userId: string): boolean {
    return this.db.prepare('SELECT 1 FROM revocations WHERE channel_id = ? AND user_id = ?').get(channelId, userId) !== undefined;
  }

  recordPublisher(channelId: string, deviceId: string, userId: string, certificate: string): void {
    this.db
      .prepare(
        'INSERT INTO publishers (channel_id, device_id, user_id, certificate) VALUES (?, ?, ?, ?) ON CONFLICT (channel_id, device_id) DO UPDATE SET certificate = excluded.certificate',
      )
      .run(channelId, deviceId, userId, certificate);
  }

  /** Revoked users of a channel and when (ms): their signatures on later broadcasts are not accepted. */
  revocations(channelId: string): { userId: string; revokedAt: number }[] {
    const rows = this.db.prepare('SELECT user_id, revoked_at FROM revocations WHERE channel_id = ? ORDER BY user_id').all(channelId) as {
      user_id: string;
      revoked_at: number;
    }[];
    return rows.map((r) => ({ userId: r.user_id, revokedAt: r.revoked_at }));
  }

  /** Every channel id, sorted. */
  channelIds(): string[] {
    return (this.db.prepare('SELECT channel_id FROM channels ORDER BY channel_id').all() as { channel_id: string }[]).map((r) => r.channel_id);
  }

  /** Whether a device of `userId` ever fetched the publishing key of the channel. */
  hasPublisher(channelId: string, userId: string): boolean {
    return this.db.prepare('SELECT 1 FROM publishers WHERE channel_id = ? AND user_id = ? LIMIT 1').get(channelId, userId) !== undefined;
  }

  publishers(channelId: string): string[] {
    const rows = this.db.prepare('SELECT certificate FROM publishers WHERE channel_id = ? ORDER BY device_id').all(channelId) as { certificate: string }[];
    return rows.map((r) => r.certificate);
  }

  close(): void {
    this.db.close();
  }
}
