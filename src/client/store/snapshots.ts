/**
 * Snapshots (docs/client.md "Local store"): the last answer of a few key-service reads this device verified
 * — today the conversation list — kept in the encrypted store under a name, so the app lists
 * conversations and searches history with no network. A snapshot is only ever shown while the key
 * service is out of reach; the next answer replaces it.
 */

/** The migration that adds the table (an entry of `MIGRATIONS`). */
export const SNAPSHOTS_MIGRATION = `CREATE TABLE snapshots (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,              -- JSON text
  saved_at INTEGER NOT NULL
) WITHOUT ROWID`;

/** A snapshot as read back: the JSON value (still to be validated by its reader) and when it was saved. */
export interface Snapshot {
  readonly value: unknown;
  /** The same value as stored (JSON text). */
  readonly json: string;
  readonly savedAt: number;
}

/**
 * The names in use (a closed list, so a typo cannot create a second snapshot): the verified conversation
 * list, and the names of the people in it (user id → username and display name; no keys).
 */
export type SnapshotName = 'conversations' | 'contacts';
