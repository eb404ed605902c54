/**
 * Stored files (PubNub Files as the SDK sees it, docs/relay.md "Files"): each file's bytes in one file under
 * `<data>/files/`, named by the id the relay chose (a random UUID, never a name a client sent), and its row in
 * SQLite (`files`: subscribe key, channel, id, name, size, created). The bytes are what the client uploaded —
 * for the messenger, ciphertext. Quotas per channel and per subscribe key are checked against the rows in the
 * same synchronous step that inserts one, so concurrent uploads cannot pass them together.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesFullError } from '../errors';
import type { Db } from './database';

export interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  /** ISO 8601, as PubNub's list answers it. */
  readonly created: string;
}

export interface FileCaps {
  readonly channelBytes: number;
  readonly keysetBytes: number;
  /** Files older than this (ms after their upload) are gone, as under a keyset's Files retention; 0: kept. */
  readonly retentionMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sub_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_channel ON files (sub_key, channel, seq);
`;

/** What the relay names files by on disk. */
export const FILE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Row {
  seq: bigint;
  id: string;
  name: string;
  size: bigint;
  created: bigint;
}

const toFile = (row: Row): StoredFile => ({ id: row.id, name: row.name, size: Number(row.size), created: new Date(Number(row.created)).toISOString() });

export class FileStore {
  readonly directory: string;

  constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly caps: FileCaps,
  ) {
    db.exec(SCHEMA);
    this.directory = join(dataDir, 'files');
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
  }

  /** A fresh id for a file about to be uploaded. */
  newId(): string {
    return randomUUID();
  }

  private used(subKey: string, channel: string | undefined): number {
    const row = (
      channel === undefined
        ? this.db.prepare('SELECT coalesce(sum(size), 0) AS used FROM files WHERE sub_key = ?').get(subKey)
        : this.db.prepare('SELECT coalesce(sum(size), 0) AS used FROM files WHERE sub_key = ? AND channel = ?').get(subKey, channel)
    ) as { used: bigint };
    return Number(row.used);
  }

  /** Throws FilesFullError (507) unless `bytes` more fit under both quotas. */
  assertRoom(subKey: string, channel: string, bytes: number): void {
    if (this.used(subKey, channel) + bytes > this.caps.channelBytes) {
      throw new FilesFullError(`This channel's files are at their quota of ${this.caps.channelBytes} bytes; delete files to make room`);
    }
    if (this.used(subKey, undefined) + bytes > this.caps.keysetBytes) {
      throw new FilesFullError(`This keyset's files are at their quota of ${this.caps.keysetBytes} bytes; delete files to make room`);
    }
  }

  /**
   * Writes the bytes, then records the file if the quotas still allow it; nothing is left behind on refusal.
   * Durability: one fsync per file, after all its bytes are written (one write) and before its row commits and
   * it is renamed into place, so an upload answered 204 has its bytes on disk; a few ms for a 4 MiB part here,
   * not what bounds an upload (docs/benchmarks.md "Attachments: speed, memory and the preview").
   */
  async save(subKey: string, channel: string, file: { id: string; name: string }, bytes: Buffer): Promise<void> {
    const path = join(this.directory, file.id);
    const partial = `${path}.partial`;
    try {
      const handle = await open(partial, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.db.transaction(() => {
        this.assertRoom(subKey, channel, bytes.length);
        this.db
          .prepare('INSERT INTO files (sub_key, channel, id, name, size, created) VALUES (?, ?, ?, ?, ?, ?)')
          .run(subKey, channel, file.id, file.name, bytes.length, Date.now());
      })();
      await rename(partial, path);
    } catch (error) {
      this.db.prepare('DELETE FROM files WHERE id = ?').run(file.id);
      await rm(partial, { force: true });
      throw error;
    }
  }

  /** The oldest upload time still kept (files created before it are past the retention). */
  private keptSince(now: number): number {
    return this.caps.retentionMs > 0 ? now - this.caps.retentionMs : 0;
  }

  find(subKey: string, channel: string, id: string, name: string, now = Date.now()): StoredFile | undefined {
    const row = this.db
      .prepare('SELECT seq, id, name, size, created FROM files WHERE sub_key = ? AND channel = ? AND id = ? AND name = ? AND created >= ?')
      .get(subKey, channel, id, name, this.keptSince(now)) as Row | undefined;
    return row === undefined ? undefined : toFile(row);
  }

  read(file: StoredFile): Promise<Buffer> {
    return readFile(join(this.directory, file.id));
  }

  /** One page, oldest first, after the `next` cursor of the previous page. */
  list(subKey: string, channel: string, limit: number, after: bigint, now = Date.now()): { files: StoredFile[]; next: bigint | undefined } {
    const rows = this.db
      .prepare('SELECT seq, id, name, size, created FROM files WHERE sub_key = ? AND channel = ? AND seq > ? AND created >= ? ORDER BY seq LIMIT ?')
      .all(subKey, channel, after, this.keptSince(now), limit + 1) as Row[];
    const page = rows.slice(0, limit);
    return { files: page.map(toFile), next: rows.length > limit ? page[page.length - 1]?.seq : undefined };
  }

  /** Removes every file past the retention (rows first, then their bytes); answers how many. */
  async purgeExpired(now: number): Promise<number> {
    if (this.caps.retentionMs <= 0) return 0;
    const since = this.keptSince(now);
    const ids = (this.db.prepare('SELECT id FROM files WHERE created < ?').all(since) as { id: string }[]).map((r) => r.id);
    this.db.prepare('DELETE FROM files WHERE created < ?').run(since);
    await Promise.all(ids.map((id) => rm(join(this.directory, id), { force: true })));
    return ids.length;
  }

  /** Removes the file; answers whether there was one. */
  async remove(subKey: string, channel: string, id: string, name: string): Promise<boolean> {
    const removed = this.db.prepare('DELETE FROM files WHERE sub_key = ? AND channel = ? AND id = ? AND name = ?').run(subKey, channel, id, name);
    if (removed.changes === 0) return false;
    await rm(join(this.directory, id), { force: true });
    return true;
  }
}
