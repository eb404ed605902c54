/**
 * Reset requests that wait (docs/protocol.md §18.9 "The waiting period", migration 15): a reset asked for
 * while a device of the account was signed in is kept here with its certificate until it finishes, or a
 * signed-in device cancels it. At most one request of an account waits (a unique index), so a second one
 * cannot restart or shorten the clock. Finished and cancelled rows stay, as the record of what happened.
 */
import type { Queryable } from '../db/db';

export type AccountResetRequestState = 'waiting' | 'cancelled' | 'finished';

export interface AccountResetRequestRow {
  readonly id: string;
  readonly user_id: string;
  readonly session_id: string;
  /** The new first device's certificate (JSON), signed by the new account identity key; checked when the request was made. */
  readonly certificate: string;
  readonly old_identity_key: string;
  readonly device_id: string;
  readonly device_name: string;
  readonly platform: string;
  readonly address: string;
  readonly requested_at: number;
  readonly finishes_at: number;
  readonly state: AccountResetRequestState;
  readonly ended_at: number | null;
  readonly cancelled_by_device: string | null;
}

const COLUMNS =
  'id, user_id, session_id, certificate, old_identity_key, device_id, device_name, platform, address, requested_at, finishes_at, state, ended_at, cancelled_by_device';

export async function insertResetRequest(q: Queryable, r: Omit<AccountResetRequestRow, 'state' | 'ended_at' | 'cancelled_by_device'>): Promise<void> {
  await q.run(`INSERT INTO account_reset_requests (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', NULL, NULL)`, [
    r.id,
    r.user_id,
    r.session_id,
    r.certificate,
    r.old_identity_key,
    r.device_id,
    r.device_name,
    r.platform,
    r.address,
    r.requested_at,
    r.finishes_at,
  ]);
}

/** The account's request that waits, if any. */
export function waitingResetRequest(q: Queryable, userId: string): Promise<AccountResetRequestRow | undefined> {
  return q.one<AccountResetRequestRow>(`SELECT ${COLUMNS} FROM account_reset_requests WHERE user_id = ? AND state = 'waiting'`, [userId]);
}

/** The account's latest request: what its devices and its requester are shown, unless it finished. */
export function latestResetRequest(q: Queryable, userId: string): Promise<AccountResetRequestRow | undefined> {
  return q.one<AccountResetRequestRow>(`SELECT ${COLUMNS} FROM account_reset_requests WHERE user_id = ? ORDER BY requested_at DESC, id DESC LIMIT 1`, [userId]);
}

/** The latest request the session made (whatever became of it). */
export function resetRequestOfSession(q: Queryable, userId: string, sessionId: string): Promise<AccountResetRequestRow | undefined> {
  return q.one<AccountResetRequestRow>(
    `SELECT ${COLUMNS} FROM account_reset_requests WHERE user_id = ? AND session_id = ? ORDER BY requested_at DESC, id LIMIT 1`,
    [userId, sessionId],
  );
}

/** Ends a waiting request (only if it still waits); answers whether it did. */
export async function endResetRequest(
  q: Queryable,
  id: string,
  end: { state: 'cancelled'; at: number; byDevice: string } | { state: 'finished'; at: number },
): Promise<boolean> {
  const changed = await q.run(`UPDATE account_reset_requests SET state = ?, ended_at = ?, cancelled_by_device = ? WHERE id = ? AND state = 'waiting'`, [
    end.state,
    end.at,
    end.state === 'cancelled' ? end.byDevice : null,
    id,
  ]);
  return changed === 1;
}
