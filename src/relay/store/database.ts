/**
 * The relay's durable store: one SQLite file (`relay.sqlite`) under `--data`, WAL journal, integers read as
 * `bigint` (timetokens exceed 2^53). The file is opened in exclusive locking mode, so a second relay on the same
 * directory is refused instead of interleaving timetokens. Holds stored messages, message actions, channel
 * groups, revoked Access Manager tokens and the timetoken high-water mark.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RelayConfigError } from '../errors';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  sub_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  tt INTEGER NOT NULL,
  publisher TEXT NOT NULL,
  payload TEXT NOT NULL,
  meta TEXT,
  custom_type TEXT,
  message_type INTEGER,
  expires_at INTEGER,
  PRIMARY KEY (sub_key, channel, tt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actions (
  sub_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  action_tt INTEGER NOT NULL,
  message_tt INTEGER NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  uuid TEXT NOT NULL,
  PRIMARY KEY (sub_key, channel, action_tt),
  UNIQUE (sub_key, channel, message_tt, type, value, uuid)
);
CREATE TABLE IF NOT EXISTS channel_groups (
  sub_key TEXT NOT NULL,
  grp TEXT NOT NULL,
  channel TEXT NOT NULL,
  PRIMARY KEY (sub_key, grp, channel)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revoked_tokens (
  signature TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relay_state (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export function openDatabase(dataDir: string): Db {
  let db: Db;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'relay.sqlite'), { timeout: 200 });
  } catch (error) {
    throw new RelayConfigError('invalid_config', `cannot open the relay database in ${dataDir}: ${(error as Error).message}`);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.defaultSafeIntegers(true);
    db.exec(SCHEMA);
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new RelayConfigError('data_dir_in_use', `another relay is using ${dataDir}`);
    }
    throw new RelayConfigError('invalid_config', `cannot use the relay database in ${dataDir}: ${(error as Error).message}`);
  }
  return db;
}

/** The largest timetoken the store has ever issued or saved (restart floor for the clock). */
export function storedHighWater(db: Db): bigint {
  const row = db
    .prepare(
      `SELECT max(
         coalesce((SELECT max(tt) FROM messages), 0),
         coalesce((SELECT max(action_tt) FROM actions), 0),
         coalesce((SELECT value FROM relay_state WHERE key = 'high_water'), 0)) AS hw`,
    )
    .get() as { hw: bigint };
  return row.hw;
}

export function saveHighWater(db: Db, tt: bigint): void {
  db.prepare(
    `INSERT INTO relay_state (key, value) VALUES ('high_water', ?)
     ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`,
  ).run(tt);
}
