/**
 * The history store's size, kept exact by SQLite triggers (docs/relay.md, "Limits"): one row counting stored
 * messages and message actions and their bytes (payload and meta; action type and value). Inserts and deletes
 * of either table — publish, add or remove an action, delete-messages, ttl expiry — update it in the same
 * statement, so it survives restarts and never drifts. A database from before the triggers is measured once
 * when opened. `assertRoom` refuses a write that would pass the configured caps, before anything changes.
 */
import type { Db } from './database';
import { HistoryFullError } from '../errors';

const MESSAGE_BYTES = (row: string) => `length(CAST(${row}.payload AS BLOB)) + coalesce(length(CAST(${row}.meta AS BLOB)), 0)`;
const ACTION_BYTES = (row: string) => `length(CAST(${row}.type AS BLOB)) + length(CAST(${row}.value AS BLOB))`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS history_usage (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS history_usage_message_in AFTER INSERT ON messages BEGIN
  UPDATE history_usage SET rows = rows + 1, bytes = bytes + ${MESSAGE_BYTES('NEW')} WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS history_usage_message_out AFTER DELETE ON messages BEGIN
  UPDATE history_usage SET rows = rows - 1, bytes = bytes - ${MESSAGE_BYTES('OLD')} WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS history_usage_action_in AFTER INSERT ON actions BEGIN
  UPDATE history_usage SET rows = rows + 1, bytes = bytes + ${ACTION_BYTES('NEW')} WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS history_usage_action_out AFTER DELETE ON actions BEGIN
  UPDATE history_usage SET rows = rows - 1, bytes = bytes - ${ACTION_BYTES('OLD')} WHERE id = 1;
END;
`;

export interface HistoryCaps {
  /** Stored messages and message actions together. */
  readonly rows: number;
  /** Their payload, meta, action type and value bytes together. */
  readonly bytes: number;
}

export interface Usage {
  readonly rows: number;
  readonly bytes: number;
}

export class HistoryUsage {
  private readonly read;

  constructor(
    db: Db,
    private readonly caps: HistoryCaps,
  ) {
    db.transaction(() => {
      db.exec(SCHEMA);
      db.prepare(
        `INSERT OR IGNORE INTO history_usage (id, rows, bytes) VALUES (1,
           (SELECT count(*) FROM messages) + (SELECT count(*) FROM actions),
           coalesce((SELECT sum(${MESSAGE_BYTES('messages')}) FROM messages), 0)
             + coalesce((SELECT sum(${ACTION_BYTES('actions')}) FROM actions), 0))`,
      ).run();
    })();
    this.read = db.prepare('SELECT rows, bytes FROM history_usage WHERE id = 1');
  }

  current(): Usage {
    const row = this.read.get() as { rows: bigint; bytes: bigint };
    return { rows: Number(row.rows), bytes: Number(row.bytes) };
  }

  /** Throws HistoryFullError (507) unless one more row of `bytes` fits under both caps. */
  assertRoom(bytes: number): void {
    const used = this.current();
    if (used.rows + 1 > this.caps.rows) {
      throw new HistoryFullError(`Relay history is full: it stores at most ${this.caps.rows} messages and actions; delete history or publish with store=0`);
    }
    if (used.bytes + bytes > this.caps.bytes) {
      throw new HistoryFullError(`Relay history is full: it stores at most ${this.caps.bytes} bytes; delete history or publish with store=0`);
    }
  }
}
