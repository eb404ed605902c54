/**
 * The server-made key versions (migration 13; docs/protocol.md §19.4): per conversation and version the
 * KMS ciphertext of the data key GenerateDataKey made, the KMS that made it, the membership head it was
 * made at, its time and the device that asked. The key itself is never stored.
 */
import type { MembershipHead } from '../../common/protocol/membershipHead';
import type { Queryable } from '../db/db';

export interface ServerKeyRow {
  readonly conversation_id: string;
  readonly version: number;
  /** base64url of the KMS ciphertext. */
  readonly kms_ciphertext: string;
  readonly kms_kind: string;
  readonly kms_key_id: string;
  readonly membership_seq: number | null;
  readonly membership_hash: string | null;
  readonly created_at: number;
  readonly created_by_device: string;
}

const COLUMNS = 'conversation_id, version, kms_ciphertext, kms_kind, kms_key_id, membership_seq, membership_hash, created_at, created_by_device';

export async function insertServerKey(q: Queryable, r: ServerKeyRow): Promise<void> {
  await q.run(`INSERT INTO server_key_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    r.conversation_id,
    r.version,
    r.kms_ciphertext,
    r.kms_kind,
    r.kms_key_id,
    r.membership_seq,
    r.membership_hash,
    r.created_at,
    r.created_by_device,
  ]);
}

export async function serverKeyRow(q: Queryable, conversationId: string, version: number): Promise<ServerKeyRow | undefined> {
  const row = await q.one<ServerKeyRow>(`SELECT ${COLUMNS} FROM server_key_versions WHERE conversation_id = ? AND version = ?`, [conversationId, version]);
  return row
    ? {
        ...row,
        version: Number(row.version),
        created_at: Number(row.created_at),
        membership_seq: row.membership_seq === null ? null : Number(row.membership_seq),
      }
    : undefined;
}

/** Whether the key service made this version (one indexed lookup; the key-version fetch asks it only on a miss). */
export async function isServerMade(q: Queryable, conversationId: string, version: number): Promise<boolean> {
  return (await q.one('SELECT 1 AS one FROM server_key_versions WHERE conversation_id = ? AND version = ?', [conversationId, version])) !== undefined;
}

/** The versions of a conversation the key service made. */
export async function serverMadeVersions(q: Queryable, conversationId: string): Promise<Set<number>> {
  const rows = await q.all<{ version: number }>('SELECT version FROM server_key_versions WHERE conversation_id = ?', [conversationId]);
  return new Set(rows.map((r) => Number(r.version)));
}

export function membershipOfRow(row: ServerKeyRow): MembershipHead | null {
  return row.membership_seq === null || row.membership_hash === null ? null : { seq: row.membership_seq, hash: row.membership_hash };
}
