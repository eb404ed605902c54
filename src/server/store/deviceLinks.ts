/**
 * Device-link table access (docs/api.md, "Device links"; docs/protocol.md §14): one row per link request a
 * new device opened. It holds only public keys, the approving device's id and the HPKE-sealed payload
 * for the new device — nothing the service could open.
 */
import type { DeviceLinkState } from '../../common/domain';
import type { Queryable } from '../db/db';

export interface DeviceLinkRow {
  readonly id: string;
  readonly user_id: string;
  readonly code: string;
  readonly new_device: string;
  readonly approver_device_id: string | null;
  readonly payload: string | null;
  readonly state: DeviceLinkState;
  readonly created_at: number;
  readonly expires_at: number;
}

const COLUMNS = 'id, user_id, code, new_device, approver_device_id, payload, state, created_at, expires_at';

export async function insertDeviceLink(q: Queryable, row: Omit<DeviceLinkRow, 'approver_device_id' | 'payload' | 'state'>): Promise<void> {
  await q.run(`INSERT INTO device_links (id, user_id, code, new_device, state, created_at, expires_at) VALUES (?, ?, ?, ?, 'waiting', ?, ?)`, [
    row.id,
    row.user_id,
    row.code,
    row.new_device,
    row.created_at,
    row.expires_at,
  ]);
}

export function deviceLinkById(q: Queryable, id: string): Promise<DeviceLinkRow | undefined> {
  return q.one<DeviceLinkRow>(`SELECT ${COLUMNS} FROM device_links WHERE id = ?`, [id]);
}

export function deviceLinkByCode(q: Queryable, code: string): Promise<DeviceLinkRow | undefined> {
  return q.one<DeviceLinkRow>(`SELECT ${COLUMNS} FROM device_links WHERE code = ?`, [code]);
}

/** Claims a waiting link for an approving device; false when it is no longer waiting. */
export async function claimDeviceLink(q: Queryable, id: string, approverDeviceId: string): Promise<boolean> {
  return (await q.run(`UPDATE device_links SET state = 'claimed', approver_device_id = ? WHERE id = ? AND state = 'waiting'`, [approverDeviceId, id])) === 1;
}

/** Stores the sealed payload of a claimed link; false unless it is claimed by that device. */
export async function approveDeviceLink(q: Queryable, id: string, approverDeviceId: string, payload: string): Promise<boolean> {
  return (
    (await q.run(`UPDATE device_links SET state = 'approved', payload = ? WHERE id = ? AND state = 'claimed' AND approver_device_id = ?`, [
      payload,
      id,
      approverDeviceId,
    ])) === 1
  );
}
