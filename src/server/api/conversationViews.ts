/** Conversation rows → the Conversation wire view, with its members and membership head (docs/api.md). */
import { conversationPubnubChannel } from '../../common/pubnubChannels';
import type { Queryable } from '../db/db';
import { currentMembers, type ConversationRow } from '../store/conversations';
import { membershipHead } from '../store/membershipStatements';
import type { ConversationView } from '../../common/api/conversationSchemas';

type Brand<K extends keyof ConversationView> = ConversationView[K];

export async function conversationView(q: Queryable, row: ConversationRow): Promise<ConversationView> {
  const [members, head] = await Promise.all([currentMembers(q, row.id), membershipHead(q, row.id)]);
  return {
    conversationId: row.id as Brand<'conversationId'>,
    kind: row.kind,
    name: row.name,
    historyPolicy: row.history_policy,
    currentVersion: row.current_version,
    needsRotation: row.needs_rotation === 1,
    rotationReason: row.rotation_reason,
    createdBy: row.created_by as Brand<'createdBy'>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    channel: conversationPubnubChannel(row.id),
    members: members.map((m) => ({ userId: m.user_id as Brand<'createdBy'>, role: m.role, joinedAt: m.joined_at, firstVersion: m.first_version })),
    membershipHead: head,
  };
}
