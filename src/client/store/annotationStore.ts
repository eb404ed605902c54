/**
 * Reactions and read receipts in the local store (docs/client.md "Reactions and receipts", docs/messaging.md
 * §Receipts and reactions): the PubNub message actions `reaction`/<emoji> and `receipt`/`read` of stored
 * messages, so they show after a restart with the network off. One row per action — conversation, message
 * timetoken, type, value, actor, action timetoken — with a removal kept as a tombstone: a removed action
 * stays removed even when an older history page lists it again. An action is kept only while its message
 * is stored, and leaves with it (a trigger on `messages` deletes: expiry). Every batch is checked whole —
 * known types, bounded values, well-formed timetokens, at most `MAX_ACTIONS_PER_MESSAGE` per message — and
 * a bad one is `AnnotationRefusedError` with nothing written.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';
import type { ConversationId } from '../../common/ids';
import { unstorableReason, type ActionChange, type StoredAction } from '../../common/messaging/annotations';
import { rowIdBound } from './messageRows';

export type { ActionChange, StoredAction };

/** At most this many actions (kept and removed) are stored per message. */
export const MAX_ACTIONS_PER_MESSAGE = 256;
/** At most this many action changes per `putActions` batch. */
export const MAX_ACTION_BATCH = 500;

/**
 * The annotations migration (appended to `MIGRATIONS` in localStore.ts, after the compact rows of
 * messageRows.ts). Keyed on the annotated message's row key (`messages.id`: timetoken × 100 + slot, which
 * also says the conversation); the trigger takes a message's actions with it when the message row is
 * deleted (expiry).
 */
export const ANNOTATIONS_MIGRATION = `
  CREATE TABLE message_actions (
    message INTEGER NOT NULL,   -- messages.id of the annotated message
    action_tt TEXT NOT NULL,    -- the action's timetoken, zero-padded to 20 digits
    type TEXT NOT NULL CHECK (type IN ('reaction', 'receipt')),
    value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 64),
    actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
    removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    PRIMARY KEY (message, action_tt, type, value, actor)
  ) WITHOUT ROWID;
  CREATE TRIGGER message_actions_leave_with_message AFTER DELETE ON messages BEGIN
    DELETE FROM message_actions WHERE message = old.id;
  END`;

/** The row key of the stored message of \`conversationId\` at \`timetoken\` (a subquery; binds conversation, first, last). */
const MESSAGE_ROW = 'SELECT m.id FROM messages m WHERE m.conversation = (SELECT n.id FROM names n WHERE n.name = ?) AND m.id BETWEEN ? AND ?';

/** A batch of action changes was refused (unknown type, unbounded value, bad timetoken, too many): nothing was written. */
export class AnnotationRefusedError extends AppError {
  constructor(detail: string) {
    super('annotation_refused', `reactions and receipts not stored: ${detail}`, 'validation');
  }
}

const pad = (tt: string) => tt.padStart(20, '0');
const unpad = (tt: string) => tt.replace(/^0+(?=\d)/, '');

/**
 * Stores a batch of action changes of one conversation in one transaction; answers how many were kept
 * (changes for messages the store does not hold are skipped). A bad batch throws and writes nothing.
 */
export function putActions(db: Database.Database, conversationId: ConversationId, changes: readonly ActionChange[]): number {
  if (changes.length > MAX_ACTION_BATCH) throw new AnnotationRefusedError(`a batch holds at most ${MAX_ACTION_BATCH} changes`);
  for (const c of changes) {
    const reason = c === null || typeof c !== 'object' || (c.event !== 'added' && c.event !== 'removed') ? 'not an action change' : unstorableReason(c.action);
    if (reason !== null) throw new AnnotationRefusedError(reason);
  }
  const row = db.prepare(`SELECT CAST(id AS TEXT) AS id FROM (${MESSAGE_ROW})`);
  const count = db.prepare('SELECT count(*) AS n FROM message_actions WHERE message = CAST(? AS INTEGER)');
  const add = db.prepare(
    `INSERT INTO message_actions (message, action_tt, type, value, actor, removed) VALUES (CAST(? AS INTEGER), ?, ?, ?, ?, 0)
     ON CONFLICT DO NOTHING`,
  );
  const remove = db.prepare(
    `INSERT INTO message_actions (message, action_tt, type, value, actor, removed) VALUES (CAST(? AS INTEGER), ?, ?, ?, ?, 1)
     ON CONFLICT DO UPDATE SET removed = 1`,
  );
  let kept = 0;
  db.transaction(() => {
    const touched = new Set<string>();
    for (const { event, action: a } of changes) {
      const range = rowIdBound(a.messageTimetoken);
      const found = row.get(conversationId, range.first, range.last) as { id: string } | undefined;
      if (found === undefined) continue;
      const result = (event === 'added' ? add : remove).run(found.id, pad(a.actionTimetoken), a.type, a.value, a.actor);
      kept += result.changes;
      touched.add(found.id);
    }
    for (const id of touched) {
      const { n } = count.get(id) as { n: number };
      // Thrown inside the transaction: it rolls back, so a refused batch writes nothing.
      if (n > MAX_ACTIONS_PER_MESSAGE) throw new AnnotationRefusedError(`a message holds at most ${MAX_ACTIONS_PER_MESSAGE} actions`);
    }
  })();
  return kept;
}

interface ActionRow {
  tt: string;
  action_tt: string;
  type: string;
  value: string;
  actor: string;
  removed: number;
}

/** The stored actions (kept and removed) of some messages of a conversation, in action order. */
export function actionsOf(db: Database.Database, conversationId: ConversationId, timetokens: readonly string[]): StoredAction[] {
  const wanted = new Set(timetokens.filter((t) => /^\d{1,20}$/.test(t)).map(unpad));
  if (wanted.size === 0) return [];
  // One range read over the page's span (a page is contiguous in row-key order), keeping the asked messages.
  const sorted = [...wanted].map((t) => BigInt(t)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const first = rowIdBound(sorted[0]!.toString()).first;
  const last = rowIdBound(sorted[sorted.length - 1]!.toString()).last;
  const rows = (
    db
      .prepare(
        `SELECT CAST(a.message / 100 AS TEXT) AS tt, a.action_tt, a.type, a.value, a.actor, a.removed
           FROM message_actions a JOIN messages m ON m.id = a.message
          WHERE a.message BETWEEN ? AND ? AND m.conversation = (SELECT n.id FROM names n WHERE n.name = ?)
          ORDER BY a.message, a.action_tt`,
      )
      .all(first, last, conversationId) as ActionRow[]
  ).filter((r) => wanted.has(r.tt));
  return rows.map((r) => ({
    messageTimetoken: unpad(r.tt),
    actionTimetoken: unpad(r.action_tt),
    type: r.type,
    value: r.value,
    actor: r.actor,
    removed: r.removed === 1,
  }));
}
