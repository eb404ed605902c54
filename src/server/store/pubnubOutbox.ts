/**
 * The PubNub outbox table (docs/operations.md, "The PubNub outbox"; the worker is
 * src/server/pubnub/outbox.ts): control notices and token revocations written in the transaction of the
 * change that causes them, then claimed, delivered and marked done by a worker.
 *
 * - A row's `lane` orders delivery: the notices of one inbox (lane = the user id) go out in id order, one
 *   at a time over all instances; revocations have no lane and go out in any order.
 * - A worker claims the due heads of their lanes (no earlier undone row in the lane) with
 *   `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite has one writer), then the rows behind each head, and
 *   leases them all (`leased_until`, `leased_by`); a row whose lease ran out is claimable again, so a
 *   crashed worker's rows go out after `leaseMs`.
 * - Lists of ids and lanes travel as one JSON array parameter expanded by the database, so each statement
 *   has one text (one prepared plan) for any number of rows.
 */
import type { Queryable } from '../db/db';

export type OutboxKind = 'notice' | 'revoke';
export type OutboxOutcome = 'delivered' | 'expired' | 'given_up';

export interface NewOutboxRow {
  readonly kind: OutboxKind;
  readonly lane: string | null;
  readonly payload: string;
  readonly expiresAt: number | null;
  /** First moment a worker may claim it (the writer itself may claim it earlier by id). */
  readonly notBefore: number;
}

export interface OutboxRow {
  readonly id: number;
  readonly kind: OutboxKind;
  readonly lane: string | null;
  readonly payload: string;
  readonly expires_at: number | null;
  readonly created_at: number;
  readonly attempts: number;
}

export interface OutboxStats {
  /** Rows not done yet. */
  readonly pending: number;
  /** Pending rows that failed at least once. */
  readonly retrying: number;
  /** Creation time of the oldest pending row, or null. */
  readonly oldestCreatedAt: number | null;
}

const COLUMNS = 'id, kind, lane, payload, expires_at, created_at, attempts';

/** `SELECT` of the values in the JSON array parameter, in this database's dialect. */
function jsonList(q: Queryable): string {
  return q.dialect === 'postgres' ? 'SELECT jsonb_array_elements_text(CAST(? AS JSONB))' : 'SELECT value FROM json_each(?)';
}

/** Ids compare as numbers on PostgreSQL (BIGINT) and SQLite (INTEGER). */
function idList(q: Queryable): string {
  return q.dialect === 'postgres' ? 'SELECT CAST(jsonb_array_elements_text(CAST(? AS JSONB)) AS BIGINT)' : 'SELECT value FROM json_each(?)';
}

/** Inserts the rows in order (ids ascend in array order); returns their ids. */
export async function insertOutboxRows(q: Queryable, rows: readonly NewOutboxRow[], now: number): Promise<number[]> {
  if (rows.length === 0) return [];
  const json = JSON.stringify(rows.map((r) => [r.kind, r.lane, r.payload, r.expiresAt, r.notBefore]));
  const columns = 'INSERT INTO pubnub_outbox (kind, lane, payload, expires_at, next_attempt_at, created_at)';
  const sql =
    q.dialect === 'postgres'
      ? `${columns} SELECT e->>0, e->>1, e->>2, CAST(e->>3 AS BIGINT), CAST(e->>4 AS BIGINT), CAST(? AS BIGINT)
         FROM jsonb_array_elements(CAST(? AS JSONB)) WITH ORDINALITY AS t(e, n) ORDER BY n RETURNING id`
      : `${columns} SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
           json_extract(value, '$[4]'), ? FROM json_each(?) ORDER BY key RETURNING id`;
  const ids = (await q.all<{ id: number }>(sql, [now, json])).map((r) => r.id);
  return ids.sort((a, b) => a - b);
}

/**
 * Claims up to `limit` due rows for `owner` until `now + leaseMs`: the heads of their lanes, then up to
 * `perLane` rows of each claimed lane in id order (a lane's rows are delivered one after the other).
 * Run inside a transaction. Answers the rows in id order.
 */
export async function claimDueRows(tx: Queryable, o: { owner: string; now: number; leaseMs: number; limit: number; perLane: number }): Promise<OutboxRow[]> {
  const skipLocked = tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const heads = await tx.all<OutboxRow>(
    `SELECT ${COLUMNS} FROM pubnub_outbox o
     WHERE o.done_at IS NULL AND o.next_attempt_at <= ? AND (o.leased_until IS NULL OR o.leased_until < ?)
       AND (o.lane IS NULL OR NOT EXISTS (SELECT 1 FROM pubnub_outbox p WHERE p.lane = o.lane AND p.done_at IS NULL AND p.id < o.id))
     ORDER BY o.id LIMIT ?${skipLocked}`,
    [o.now, o.now, o.limit],
  );
  if (heads.length === 0) return [];
  const lanes = [...new Set(heads.flatMap((h) => (h.lane === null ? [] : [h.lane])))];
  const forUpdate = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const laneRows =
    lanes.length === 0
      ? []
      : await tx.all<OutboxRow>(`SELECT ${COLUMNS} FROM pubnub_outbox WHERE done_at IS NULL AND lane IN (${jsonList(tx)}) ORDER BY id${forUpdate}`, [
          JSON.stringify(lanes),
        ]);
  const taken = new Map<string, number>();
  const rows = heads.filter((h) => h.lane === null);
  for (const r of laneRows) {
    const lane = r.lane ?? '';
    const count = taken.get(lane) ?? 0;
    if (count >= o.perLane) continue;
    taken.set(lane, count + 1);
    rows.push(r);
  }
  rows.sort((a, b) => a.id - b.id);
  await lease(tx, rows, o.owner, o.now + o.leaseMs);
  return rows;
}

/** Claims the named rows if they are still pending and unleased (a write's own revocations, right after it commits). */
export async function claimRows(tx: Queryable, ids: readonly number[], o: { owner: string; now: number; leaseMs: number }): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  const forUpdate = tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const rows = await tx.all<OutboxRow>(
    `SELECT ${COLUMNS} FROM pubnub_outbox WHERE id IN (${idList(tx)}) AND done_at IS NULL AND (leased_until IS NULL OR leased_until < ?) ORDER BY id${forUpdate}`,
    [JSON.stringify(ids), o.now],
  );
  await lease(tx, rows, o.owner, o.now + o.leaseMs);
  return rows;
}

async function lease(tx: Queryable, rows: readonly OutboxRow[], owner: string, until: number): Promise<void> {
  if (rows.length === 0) return;
  await tx.run(`UPDATE pubnub_outbox SET leased_until = ?, leased_by = ? WHERE id IN (${idList(tx)})`, [until, owner, JSON.stringify(rows.map((r) => r.id))]);
}

/** Marks rows done with their outcome. */
export async function markDone(q: Queryable, ids: readonly number[], outcome: OutboxOutcome, now: number): Promise<void> {
  if (ids.length === 0) return;
  await q.run(`UPDATE pubnub_outbox SET done_at = ?, outcome = ?, leased_until = NULL, leased_by = NULL WHERE id IN (${idList(q)}) AND done_at IS NULL`, [
    now,
    outcome,
    JSON.stringify(ids),
  ]);
}

/** Records a failed attempt: counted, released, next attempt at `nextAttemptAt`. */
export async function markFailed(q: Queryable, id: number, error: string, nextAttemptAt: number): Promise<void> {
  await q.run(
    'UPDATE pubnub_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, leased_until = NULL, leased_by = NULL WHERE id = ? AND done_at IS NULL',
    [nextAttemptAt, error.slice(0, 500), id],
  );
}

/** Gives claimed rows back without an attempt (behind a failed head, or the worker is stopping). */
export async function releaseRows(q: Queryable, ids: readonly number[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await q.run(`UPDATE pubnub_outbox SET leased_until = NULL, leased_by = NULL WHERE id IN (${idList(q)}) AND leased_by = ? AND done_at IS NULL`, [
    JSON.stringify(ids),
    owner,
  ]);
}

/** Whether any pending row is due (a cheap read before a claiming transaction). */
export async function anyDue(q: Queryable, now: number): Promise<boolean> {
  return (await q.one('SELECT 1 AS due FROM pubnub_outbox WHERE done_at IS NULL AND next_attempt_at <= ? LIMIT 1', [now])) !== undefined;
}

/** Queue depth for operators: pending rows, those failing, and the oldest pending row's creation time. */
export async function outboxStats(q: Queryable): Promise<OutboxStats> {
  const row = await q.one<{ pending: number; retrying: number; oldest: number | null }>(
    'SELECT COUNT(*) AS pending, COUNT(CASE WHEN attempts > 0 THEN 1 END) AS retrying, MIN(created_at) AS oldest FROM pubnub_outbox WHERE done_at IS NULL',
  );
  return { pending: Number(row?.pending ?? 0), retrying: Number(row?.retrying ?? 0), oldestCreatedAt: row?.oldest ?? null };
}

/** Deletes up to `limit` rows done before `before`; answers how many. */
export async function purgeDone(q: Queryable, before: number, limit: number): Promise<number> {
  return q.run('DELETE FROM pubnub_outbox WHERE id IN (SELECT id FROM pubnub_outbox WHERE done_at IS NOT NULL AND done_at < ? LIMIT ?)', [before, limit]);
}
