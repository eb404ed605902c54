/**
 * The key-custody tables (migration 12; docs/operations.md "Key custody"): the organisation's one custody
 * state row, its escrow recipients (the X25519 private key only as KMS ciphertext), the escrow wrap of
 * each key version made in escrow mode, two-admin requests, and every KMS use by the custody tools.
 */
import type { CustodyMode, CustodyView } from '../../common/api/custodySchemas';
import { forUpdate, type Queryable } from '../db/db';

export interface RecipientRow {
  readonly id: string;
  readonly public_key: string;
  readonly sealed_private_key: string;
  readonly kms_kind: string;
  readonly kms_key_id: string;
  readonly created_at: number;
  readonly created_by: string;
}

export interface CustodyStateRow {
  readonly mode: CustodyMode;
  readonly recipient_id: string | null;
  readonly changed_at: number;
  readonly changed_by: string;
}

export interface EscrowWrapRow {
  readonly conversation_id: string;
  readonly version: number;
  readonly recipient_id: string;
  readonly wrap: string;
  readonly created_at: number;
}

export interface CustodyRequestRow {
  readonly id: string;
  /** export: one conversation (target = its id); restore: every conversation of a user (target = the user id). */
  readonly kind: 'export' | 'restore';
  readonly target: string;
  readonly reason: string;
  readonly requested_by: string;
  readonly requested_at: number;
  readonly approved_by: string | null;
  readonly approved_at: number | null;
  readonly used_at: number | null;
}

const ZERO_TRUST: CustodyStateRow = { mode: 'zero-trust', recipient_id: null, changed_at: 0, changed_by: '' };

/** The custody state (zero-trust when no admin ever changed it); `lock` takes the row for update (PostgreSQL). */
export async function custodyState(q: Queryable, lock = false): Promise<CustodyStateRow> {
  const row = await q.one<CustodyStateRow>(`SELECT mode, recipient_id, changed_at, changed_by FROM custody_state WHERE id = 1${lock ? forUpdate(q) : ''}`);
  return row ? { ...row, changed_at: Number(row.changed_at) } : ZERO_TRUST;
}

export async function setCustodyState(q: Queryable, s: CustodyStateRow): Promise<void> {
  await q.run(
    `INSERT INTO custody_state (id, mode, recipient_id, changed_at, changed_by) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, recipient_id = excluded.recipient_id, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
    [s.mode, s.recipient_id, s.changed_at, s.changed_by],
  );
}

export async function recipientById(q: Queryable, id: string): Promise<RecipientRow | undefined> {
  const row = await q.one<RecipientRow>(
    'SELECT id, public_key, sealed_private_key, kms_kind, kms_key_id, created_at, created_by FROM escrow_recipients WHERE id = ?',
    [id],
  );
  return row ? { ...row, created_at: Number(row.created_at) } : undefined;
}

/** The newest recipient ever made (escrow mode turned on again reuses it, so clients' pins stay valid). */
export async function latestRecipient(q: Queryable): Promise<RecipientRow | undefined> {
  const row = await q.one<{ id: string }>('SELECT id FROM escrow_recipients ORDER BY created_at DESC, id LIMIT 1');
  return row ? recipientById(q, row.id) : undefined;
}

export async function insertRecipient(q: Queryable, r: RecipientRow): Promise<void> {
  await q.run('INSERT INTO escrow_recipients (id, public_key, sealed_private_key, kms_kind, kms_key_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    r.id,
    r.public_key,
    r.sealed_private_key,
    r.kms_kind,
    r.kms_key_id,
    r.created_at,
    r.created_by,
  ]);
}

/** What every user is shown (GET /v1/custody). */
export async function custodyView(q: Queryable): Promise<CustodyView> {
  const state = await custodyState(q);
  const recipient = state.mode === 'escrow' && state.recipient_id !== null ? await recipientById(q, state.recipient_id) : undefined;
  return {
    mode: state.mode,
    recipient: recipient ? { publicKey: recipient.public_key, fingerprint: recipient.id, createdAt: recipient.created_at } : null,
    changedAt: state.changed_at,
  };
}

export async function insertEscrowWrap(q: Queryable, w: EscrowWrapRow): Promise<void> {
  await q.run('INSERT INTO escrow_wraps (conversation_id, version, recipient_id, wrap, created_at) VALUES (?, ?, ?, ?, ?)', [
    w.conversation_id,
    w.version,
    w.recipient_id,
    w.wrap,
    w.created_at,
  ]);
}

export function escrowWrapsOf(q: Queryable, conversationId: string): Promise<EscrowWrapRow[]> {
  return q.all<EscrowWrapRow>('SELECT conversation_id, version, recipient_id, wrap, created_at FROM escrow_wraps WHERE conversation_id = ? ORDER BY version', [
    conversationId,
  ]);
}

/** Marks every conversation for rotation (a custody change: the next key version follows the new mode). */
export async function markAllForRotation(q: Queryable, reason: string, now: number): Promise<number> {
  return q.run('UPDATE conversations SET needs_rotation = 1, rotation_reason = ?, updated_at = ?', [reason, now]);
}

export async function insertRequest(q: Queryable, r: CustodyRequestRow): Promise<void> {
  await q.run(
    'INSERT INTO custody_requests (id, kind, target, reason, requested_by, requested_at, approved_by, approved_at, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)',
    [r.id, r.kind, r.target, r.reason, r.requested_by, r.requested_at],
  );
}

export async function requestById(q: Queryable, id: string, lock = false): Promise<CustodyRequestRow | undefined> {
  const row = await q.one<CustodyRequestRow>(
    `SELECT id, kind, target, reason, requested_by, requested_at, approved_by, approved_at, used_at FROM custody_requests WHERE id = ?${lock ? forUpdate(q) : ''}`,
    [id],
  );
  return row
    ? {
        ...row,
        requested_at: Number(row.requested_at),
        approved_at: row.approved_at === null ? null : Number(row.approved_at),
        used_at: row.used_at === null ? null : Number(row.used_at),
      }
    : undefined;
}

export async function approveRequest(q: Queryable, id: string, by: string, at: number): Promise<void> {
  await q.run('UPDATE custody_requests SET approved_by = ?, approved_at = ? WHERE id = ?', [by, at, id]);
}

export async function markRequestUsed(q: Queryable, id: string, at: number): Promise<number> {
  return q.run('UPDATE custody_requests SET used_at = ? WHERE id = ? AND used_at IS NULL', [at, id]);
}

export interface KmsAuditEntry {
  readonly at: number;
  readonly actor: string;
  readonly operation: string;
  readonly key_id: string;
  readonly purpose: string;
  readonly request_id: string | null;
  readonly target: string | null;
  readonly outcome: string;
}

/** Records a KMS use before it is made (outcome `started`); answers the row's id for `finishKmsAudit`. Run in a transaction. */
export async function insertKmsAudit(q: Queryable, e: KmsAuditEntry): Promise<number> {
  const rows = await q.all<{ id: number }>(
    'INSERT INTO kms_audit (at, actor, operation, key_id, purpose, request_id, target, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    [e.at, e.actor, e.operation, e.key_id, e.purpose, e.request_id, e.target, e.outcome],
  );
  return Number(rows[0]?.id ?? 0);
}

export async function finishKmsAudit(q: Queryable, id: number, outcome: string): Promise<void> {
  await q.run('UPDATE kms_audit SET outcome = ? WHERE id = ?', [outcome, id]);
}

export async function kmsAudit(q: Queryable, limit: number): Promise<(KmsAuditEntry & { id: number })[]> {
  const rows = await q.all<KmsAuditEntry & { id: number }>(
    'SELECT id, at, actor, operation, key_id, purpose, request_id, target, outcome FROM kms_audit ORDER BY id DESC LIMIT ?',
    [limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }));
}
