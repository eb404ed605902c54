/**
 * Message actions (reactions, read receipts; docs/pubnub-wire.md §2 `/v1/message-actions`): add (one per
 * type/value/uuid/message), remove, page by action timetoken, and group by message for history-with-actions.
 */
import type { Db } from './database';
import type { Timetoken } from '../timetoken';
import { ConflictError } from '../errors';

export interface MessageAction {
  readonly type: string;
  readonly value: string;
  readonly uuid: string;
  readonly actionTimetoken: Timetoken;
  readonly messageTimetoken: Timetoken;
}

interface Row {
  type: string;
  value: string;
  uuid: string;
  action_tt: bigint;
  message_tt: bigint;
}

function toAction(row: Row): MessageAction {
  return {
    type: row.type,
    value: row.value,
    uuid: row.uuid,
    actionTimetoken: row.action_tt,
    messageTimetoken: row.message_tt,
  };
}

const COLUMNS = 'type, value, uuid, action_tt, message_tt';

export class ActionStore {
  constructor(private readonly db: Db) {}

  add(subKey: string, channel: string, action: MessageAction): void {
    try {
      this.db
        .prepare(`INSERT INTO actions (sub_key, channel, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(subKey, channel, action.type, action.value, action.uuid, action.actionTimetoken, action.messageTimetoken);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError('action_exists', 'Action Already Added', 'Message Actions');
      }
      throw error;
    }
  }

  /** Removes one action; returns it, or `undefined` when there was none. */
  remove(subKey: string, channel: string, messageTt: Timetoken, actionTt: Timetoken): MessageAction | undefined {
    const row = this.db
      .prepare(`DELETE FROM actions WHERE sub_key = ? AND channel = ? AND message_tt = ? AND action_tt = ? RETURNING ${COLUMNS}`)
      .get(subKey, channel, messageTt, actionTt) as Row | undefined;
    return row === undefined ? undefined : toAction(row);
  }

  /** The newest `limit` actions before `start` (exclusive) and at or after `end`, oldest first. */
  page(subKey: string, channel: string, query: { start?: Timetoken; end?: Timetoken; limit: number }): { actions: MessageAction[]; more: boolean } {
    const where = ['sub_key = @subKey', 'channel = @channel'];
    if (query.start !== undefined) where.push('action_tt < @start');
    if (query.end !== undefined) where.push('action_tt >= @end');
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM actions WHERE ${where.join(' AND ')} ORDER BY action_tt DESC LIMIT @limit`)
      .all({ subKey, channel, start: query.start, end: query.end, limit: query.limit + 1 }) as Row[];
    const more = rows.length > query.limit;
    return { actions: rows.slice(0, query.limit).map(toAction).reverse(), more };
  }

  /** Actions on the given messages, keyed by message timetoken. */
  forMessages(subKey: string, channel: string, from: Timetoken, to: Timetoken): Map<Timetoken, MessageAction[]> {
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM actions WHERE sub_key = ? AND channel = ? AND message_tt >= ? AND message_tt <= ?
           ORDER BY action_tt`,
      )
      .all(subKey, channel, from, to) as Row[];
    const byMessage = new Map<Timetoken, MessageAction[]>();
    for (const row of rows) {
      const list = byMessage.get(row.message_tt) ?? [];
      list.push(toAction(row));
      byMessage.set(row.message_tt, list);
    }
    return byMessage;
  }
}
