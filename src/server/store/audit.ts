/**
 * The audit log (docs/operations.md "Offboarding and the admin CLI"): one row per administrative action —
 * when, who (`cli:<os user>`, later `scim`), what, on whom, and details as JSON. Written in the action's
 * own transaction, so an action without its record (or a record without its action) cannot happen.
 */
import type { Queryable } from '../db/db';

export type AuditAction =
  | 'user.provision'
  | 'user.deactivate'
  | 'user.reactivate'
  | 'user.broadcast_withdraw'
  | 'user.broadcast_restore'
  | 'users.list'
  | 'audit.read'
  | 'group.provision'
  | 'group.update'
  | 'group.delete'
  | 'group.role_map'
  | 'group.role_unmap'
  | 'groups.list'
  | 'custody.read'
  | 'custody.escrow'
  | 'custody.zero_trust'
  | 'custody.server_trusted'
  | 'custody.export_request'
  | 'custody.export_approve'
  | 'custody.export_refused'
  | 'custody.export';

export interface AuditRow {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: AuditAction;
  readonly target: string | null;
  readonly detail: string;
}

export async function insertAudit(
  q: Queryable,
  e: { at: number; actor: string; action: AuditAction; target: string | null; detail: Record<string, unknown> },
): Promise<void> {
  await q.run('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)', [
    e.at,
    e.actor,
    e.action,
    e.target,
    JSON.stringify(e.detail),
  ]);
}

/** The newest `limit` records, newest first. */
export function latestAudit(q: Queryable, limit: number): Promise<AuditRow[]> {
  return q.all<AuditRow>('SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?', [limit]);
}
