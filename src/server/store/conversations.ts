/**
 * Conversations and members (docs/api.md, "Conversations and members"): a conversation has a kind, a
 * history policy (`shared`: members see every key version; `joined`: from the version current when they
 * joined), a current key version and a needs-rotation flag set by removals and device revocations. A member
 * row stays after removal (removed_at) so that re-adding starts a fresh entitlement.
 */
import type { ConversationKind, HistoryPolicy, Role } from '../../common/domain';
import { forUpdate, type Queryable } from '../db/db';

export interface ConversationRow {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly name: string | null;
  readonly history_policy: HistoryPolicy;
  readonly current_version: number;
  readonly needs_rotation: number;
  readonly rotation_reason: string | null;
  readonly created_by: string;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface MemberRow {
  readonly conversation_id: string;
  readonly user_id: string;
  readonly role: Role;
  readonly joined_at: number;
  readonly first_version: number;
  readonly removed_at: number | null;
}

const CONV = 'id, kind, name, history_policy, current_version, needs_rotation, rotation_reason, created_by, created_at, updated_at';
const MEMBER = 'conversation_id, user_id, role, joined_at, first_version, removed_at';

export async function insertConversation(
  q: Queryable,
  c: Pick<ConversationRow, 'id' | 'kind' | 'name' | 'history_policy' | 'created_by'>,
  now: number,
): Promise<void> {
  await q.run(`INSERT INTO conversations (${CONV}) VALUES (?, ?, ?, ?, 0, 0, NULL, ?, ?, ?)`, [c.id, c.kind, c.name, c.history_policy, c.created_by, now, now]);
}

export function conversationById(q: Queryable, id: string): Promise<ConversationRow | undefined> {
  return q.one<ConversationRow>(`SELECT ${CONV} FROM conversations WHERE id = ?`, [id]);
}

/** Reads and locks the conversation row: every write to one conversation's members or versions takes this first. */
export function lockConversation(q: Queryable, id: string): Promise<ConversationRow | undefined> {
  return q.one<ConversationRow>(`SELECT ${CONV} FROM conversations WHERE id = ?${forUpdate(q)}`, [id]);
}

export async function renameConversation(q: Queryable, id: string, name: string, now: number): Promise<void> {
  await q.run('UPDATE conversations SET name = ?, updated_at = ? WHERE id = ?', [name, now, id]);
}

export async function setHistoryPolicy(q: Queryable, id: string, policy: HistoryPolicy, now: number): Promise<void> {
  await q.run('UPDATE conversations SET history_policy = ?, updated_at = ? WHERE id = ?', [policy, now, id]);
}

export async function markNeedsRotation(q: Queryable, id: string, reason: string, now: number): Promise<void> {
  await q.run('UPDATE conversations SET needs_rotation = 1, rotation_reason = ?, updated_at = ? WHERE id = ?', [reason, now, id]);
}

export async function advanceVersion(q: Queryable, id: string, version: number, now: number): Promise<void> {
  await q.run('UPDATE conversations SET current_version = ?, needs_rotation = 0, rotation_reason = NULL, updated_at = ? WHERE id = ?', [version, now, id]);
}

/** The conversations a user currently belongs to, newest activity first. */
export function conversationsOfUser(q: Queryable, userId: string): Promise<ConversationRow[]> {
  return q.all<ConversationRow>(
    `SELECT ${CONV.split(', ')
      .map((c) => `c.${c}`)
      .join(', ')} FROM conversations c JOIN members m ON m.conversation_id = c.id
      WHERE m.user_id = ? AND m.removed_at IS NULL ORDER BY c.updated_at DESC, c.id`,
    [userId],
  );
}

/** Locks and marks every conversation the user currently belongs to as needing rotation; returns their ids. */
export async function markUserConversationsNeedRotation(q: Queryable, userId: string, reason: string, now: number): Promise<string[]> {
  const rows = await q.all<{ id: string }>(
    `SELECT c.id FROM conversations c JOIN members m ON m.conversation_id = c.id WHERE m.user_id = ? AND m.removed_at IS NULL ORDER BY c.id${forUpdate(q)}`,
    [userId],
  );
  for (const row of rows) await markNeedsRotation(q, row.id, reason, now);
  return rows.map((r) => r.id);
}

export function memberOf(q: Queryable, conversationId: string, userId: string): Promise<MemberRow | undefined> {
  return q.one<MemberRow>(`SELECT ${MEMBER} FROM members WHERE conversation_id = ? AND user_id = ?`, [conversationId, userId]);
}

export function currentMembers(q: Queryable, conversationId: string): Promise<MemberRow[]> {
  return q.all<MemberRow>(`SELECT ${MEMBER} FROM members WHERE conversation_id = ? AND removed_at IS NULL ORDER BY joined_at, user_id`, [conversationId]);
}

/** Adds a member, or re-adds a removed one with a fresh role and entitlement. */
export async function upsertMember(q: Queryable, m: Omit<MemberRow, 'removed_at'>): Promise<void> {
  const changed = await q.run('UPDATE members SET role = ?, joined_at = ?, first_version = ?, removed_at = NULL WHERE conversation_id = ? AND user_id = ?', [
    m.role,
    m.joined_at,
    m.first_version,
    m.conversation_id,
    m.user_id,
  ]);
  if (changed === 0) {
    await q.run(`INSERT INTO members (${MEMBER}) VALUES (?, ?, ?, ?, ?, NULL)`, [m.conversation_id, m.user_id, m.role, m.joined_at, m.first_version]);
  }
}

export async function removeMember(q: Queryable, conversationId: string, userId: string, now: number): Promise<void> {
  await q.run('UPDATE members SET removed_at = ? WHERE conversation_id = ? AND user_id = ? AND removed_at IS NULL', [now, conversationId, userId]);
}

export async function setRole(q: Queryable, conversationId: string, userId: string, role: Role): Promise<void> {
  await q.run('UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?', [role, conversationId, userId]);
}

/** The user ids of the current members. */
export async function memberIds(q: Queryable, conversationId: string): Promise<string[]> {
  return (await currentMembers(q, conversationId)).map((m) => m.user_id);
}
