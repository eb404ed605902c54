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

export type { ActionChange, StoredAction };

/** At most this many actions (kept and removed) are stored per message. */
export const MAX_ACTIONS_PER_MESSAGE = 256;
/** At most this many action changes per `putActions` batch. */
export const MAX_ACTION_BATCH = 500;

/**
 * The annotations migration (appended to `MIGRATIONS` in localStore.ts). Keyed on the message's
 * (conversation_id, tt) as `messages` is (tt zero-padded to 20 digits); the trigger takes a message's
 * actions with it when the message row is deleted.
 */
export const ANNOTATIONS_MIGRATION = `
  CREATE TABLE message_actions (
    conversation_id TEXT NOT NULL,
    tt TEXT NOT NULL,           -- the annotated message's timetoken, zero-padded to 20 digits (as messages.tt)
    action_tt TEXT NOT NULL,    -- the action's timetoken, zero-padded to 20 digits
    type TEXT NOT NULL CHECK (type IN ('reaction', 'receipt')),
    value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 64),
    actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
    removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    PRIMARY KEY (conversation_id, tt, action_tt, type, value, actor)
  ) WITHOUT ROWID;
  CREATE TRIGGER message_actions_leave_with_message AFTER DELETE ON messages BEGIN
    DELETE FROM message_actions WHERE conversation_id = old.conversation_id AND tt = old.tt;
  END`;

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
  const exists = db.prepare('SELECT 1 FROM messages WHERE conversation_id = ? AND tt = ?');
  const count = db.prepare('SELECT count(*) AS n FROM message_actions WHERE conversation_id = ? AND tt = ?');
  const add = db.prepare(
    `INSERT INTO message_actions (conversation_id, tt, action_tt, type, value, actor, removed) VALUES (?, ?, ?, ?, ?, ?, 0)
     ON CONFLICT DO NOTHING`,
  );
  const remove = db.prepare(
    `INSERT INTO message_actions (conversation_id, tt, action_tt, type, value, actor, removed) VALUES (?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT DO UPDATE SET removed = 1`,
  );
  let kept = 0;
  db.transaction(() => {
    const touched = new Set<string>();
    for (const { event, action: a } of changes) {
      const tt = pad(a.messageTimetoken);
      if (exists.get(conversationId, tt) === undefined) continue;
      const result = (event === 'added' ? add : remove).run(conversationId, tt, pad(a.actionTimetoken), a.type, a.value, a.actor);
      kept += result.changes;
      touched.add(tt);
    }
    for (const tt of touched) {
      const { n } = count.get(conversationId, tt) as { n: number };
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
  const wanted = timetokens.filter((t) => /^\d{1,20}$/.test(t)).map(pad);
  if (wanted.length === 0) return [];
  const rows: ActionRow[] = [];
  const select = (n: number) =>
    db.prepare(
      `SELECT tt, action_tt, type, value, actor, removed FROM message_actions WHERE conversation_id = ? AND tt IN (${Array(n).fill('?').join(',')}) ORDER BY tt, action_tt`,
    );
  for (let i = 0; i < wanted.length; i += 100) {
    const part = wanted.slice(i, i + 100);
    rows.push(...(select(part.length).all(conversationId, ...part) as ActionRow[]));
  }
  return rows.map((r) => ({
    messageTimetoken: unpad(r.tt),
    actionTimetoken: unpad(r.action_tt),
    type: r.type,
    value: r.value,
    actor: r.actor,
    removed: r.removed === 1,
  }));
}
