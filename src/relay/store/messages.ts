/**
 * Stored messages (PubNub Message Persistence as the SDK sees it, docs/pubnub-wire.md §2): insert on publish,
 * fetch pages (`start` exclusive, `end` inclusive, oldest→newest), message counts (exclusive, capped), range
 * deletes, subscribe catch-up after a restart, and ttl expiry. Rows are scoped by subscribe key.
 */
import type { Db } from './database';
import type { Timetoken } from '../timetoken';

export interface StoredMessage {
  readonly channel: string;
  readonly tt: Timetoken;
  readonly publisher: string;
  /** The message as JSON text. */
  readonly payload: string;
  readonly meta: string | null;
  readonly customType: string | null;
  /** `null` = regular message (fetch v3 `message_type: null`). */
  readonly messageType: number | null;
}

interface Row {
  channel: string;
  tt: bigint;
  publisher: string;
  payload: string;
  meta: string | null;
  custom_type: string | null;
  message_type: bigint | null;
}

function toMessage(row: Row): StoredMessage {
  return {
    channel: row.channel,
    tt: row.tt,
    publisher: row.publisher,
    payload: row.payload,
    meta: row.meta,
    customType: row.custom_type,
    messageType: row.message_type === null ? null : Number(row.message_type),
  };
}

const COLUMNS = 'channel, tt, publisher, payload, meta, custom_type, message_type';
const LIVE = '(expires_at IS NULL OR expires_at > @now)';

export interface PageQuery {
  readonly start?: Timetoken;
  readonly end?: Timetoken;
  readonly max: number;
}

/** Delete semantics: between `start` (exclusive) and `end` (inclusive) in either order; one bound = one side. */
export function inDeleteRange(tt: Timetoken, start: Timetoken | undefined, end: Timetoken | undefined): boolean {
  if (start !== undefined && end !== undefined) return start > end ? tt >= end && tt < start : tt > start && tt <= end;
  if (start !== undefined) return tt < start;
  if (end !== undefined) return tt >= end;
  return true;
}

export class MessageStore {
  /** Prepared once: every publish stores a message (preparing per call cost ~0.3 ms). */
  private readonly insertStatement;

  constructor(private readonly db: Db) {
    this.insertStatement = db.prepare(`INSERT INTO messages (sub_key, ${COLUMNS}, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  insert(subKey: string, message: StoredMessage, expiresAt: number | null): void {
    this.insertStatement.run(
      subKey,
      message.channel,
      message.tt,
      message.publisher,
      message.payload,
      message.meta,
      message.customType,
      message.messageType,
      expiresAt,
    );
  }

  /**
   * One fetch page, oldest first. Only `end` given: the oldest `max` at or after `end` (paging forward);
   * otherwise the newest `max` before `start` and at or after `end` (paging back). `more` tells whether further
   * messages lie beyond the page in the paging direction.
   */
  page(subKey: string, channel: string, query: PageQuery, now: number): { messages: StoredMessage[]; more: boolean } {
    const where = [`sub_key = @subKey`, `channel = @channel`, LIVE];
    if (query.start !== undefined) where.push('tt < @start');
    if (query.end !== undefined) where.push('tt >= @end');
    const forward = query.end !== undefined && query.start === undefined;
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM messages WHERE ${where.join(' AND ')} ORDER BY tt ${forward ? 'ASC' : 'DESC'} LIMIT @max`)
      .all({ subKey, channel, start: query.start, end: query.end, max: query.max + 1, now }) as Row[];
    const more = rows.length > query.max;
    const messages = rows.slice(0, query.max).map(toMessage);
    return { messages: forward ? messages : messages.reverse(), more };
  }

  /** Messages with a timetoken strictly after `after`, capped. */
  count(subKey: string, channel: string, after: Timetoken, cap: number, now: number): number {
    const row = this.db
      .prepare(
        `SELECT count(*) AS n FROM (SELECT 1 FROM messages
           WHERE sub_key = @subKey AND channel = @channel AND tt > @after AND ${LIVE} LIMIT @cap)`,
      )
      .get({ subKey, channel, after, cap, now }) as { n: bigint };
    return Number(row.n);
  }

  /** Deletes messages between `start` (exclusive) and `end` (inclusive), in either order; none = all. */
  deleteRange(subKey: string, channel: string, start: Timetoken | undefined, end: Timetoken | undefined): number {
    const bounds: string[] = [];
    if (start !== undefined && end !== undefined) {
      bounds.push(start > end ? 'tt >= @end AND tt < @start' : 'tt > @start AND tt <= @end');
    } else if (start !== undefined) bounds.push('tt < @start');
    else if (end !== undefined) bounds.push('tt >= @end');
    const range = bounds.length > 0 ? ` AND ${bounds.join(' AND ')}` : '';
    const params = { subKey, channel, start, end };
    const remove = this.db.transaction(() => {
      this.db
        .prepare(
          `DELETE FROM actions WHERE sub_key = @subKey AND channel = @channel
             AND message_tt IN (SELECT tt FROM messages WHERE sub_key = @subKey AND channel = @channel${range})`,
        )
        .run(params);
      return this.db.prepare(`DELETE FROM messages WHERE sub_key = @subKey AND channel = @channel${range}`).run(params).changes;
    });
    return remove();
  }

  /** Stored messages in `(after, upTo]` on one channel, or on every channel starting with `prefix`. */
  catchUp(subKey: string, target: { channel: string } | { prefix: string }, after: Timetoken, upTo: Timetoken, limit: number, now: number): StoredMessage[] {
    const match = 'channel' in target ? 'channel = @name' : 'substr(channel, 1, length(@name)) = @name';
    const name = 'channel' in target ? target.channel : target.prefix;
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM messages WHERE sub_key = @subKey AND ${match}
           AND tt > @after AND tt <= @upTo AND ${LIVE} ORDER BY tt LIMIT @limit`,
      )
      .all({ subKey, name, after, upTo, limit, now }) as Row[];
    return rows.map(toMessage);
  }

  purgeExpired(now: number): number {
    return this.db.prepare('DELETE FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now).changes;
  }
}
