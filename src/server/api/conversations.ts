/**
 * Conversation endpoints (docs/api.md "Conversations and members"): create 1:1 and group, list mine, rename.
 * The creator is the owner; everyone else starts as a member. Direct conversations have exactly two
 * members, no name, and no member changes except leaving.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { ConversationId, UserId } from '../../common/ids';
import { Conflict, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { conversationById, conversationsOfUser, insertConversation, renameConversation, upsertMember } from '../store/conversations';
import { usersByIds } from '../store/users';
import { lockAsMember, requireMember } from './access';
import { conversationView } from './conversationViews';

export function conversationRoutes(svc: Services): Route[] {
  return [
    implement(api, 'createConversation', {
      handler: async ({ principal, body }) => {
        const others = [...new Set(body.members)].filter((u) => u !== principal.userId);
        if (others.length !== body.members.length) throw new Unprocessable('members must be unique and must not include yourself', 'bad_members');
        if (body.kind === 'direct' && (others.length !== 1 || body.name !== undefined)) {
          throw new Unprocessable('a direct conversation has exactly one other member and no name', 'bad_direct');
        }
        if (body.kind === 'group' && body.name === undefined) throw new Unprocessable('a group conversation needs a name', 'name_required');
        const found = await usersByIds(svc.db, others);
        if (found.length !== others.length) throw new Unprocessable('some members do not exist', 'unknown_user');
        const id = svc.newId();
        const now = svc.now();
        const effects = new Effects();
        const view = await svc.db.transaction(async (tx) => {
          await insertConversation(tx, { id, kind: body.kind, name: body.name ?? null, history_policy: body.historyPolicy, created_by: principal.userId }, now);
          await upsertMember(tx, { conversation_id: id, user_id: principal.userId, role: 'owner', joined_at: now, first_version: 1 });
          for (const userId of others) await upsertMember(tx, { conversation_id: id, user_id: userId, role: 'member', joined_at: now, first_version: 1 });
          for (const userId of others) effects.notify([userId], { type: 'member_added', conversationId: id as ConversationId, userId: userId as UserId });
          await svc.outbox.record(tx, effects);
          const row = await conversationById(tx, id);
          if (!row) throw new Conflict('conversation vanished');
          return conversationView(tx, row);
        });
        await svc.outbox.afterCommit(effects);
        return view;
      },
    }),
    implement(api, 'listConversations', {
      handler: async ({ principal }) => {
        const rows = await conversationsOfUser(svc.db, principal.userId);
        return { conversations: await Promise.all(rows.map((r) => conversationView(svc.db, r))) };
      },
    }),
    implement(api, 'getConversation', {
      handler: async ({ principal, params }) => {
        const { conversation } = await requireMember(svc.db, params.conversationId, principal.userId);
        return conversationView(svc.db, conversation);
      },
    }),
    implement(api, 'renameConversation', {
      handler: async ({ principal, params, body }) =>
        svc.db.transaction(async (tx) => {
          const { conversation } = await lockAsMember(tx, params.conversationId, principal.userId, 'admin');
          if (conversation.kind === 'direct') throw new Conflict('a direct conversation has no name', 'direct_conversation');
          await renameConversation(tx, conversation.id, body.name, svc.now());
          const row = await conversationById(tx, conversation.id);
          if (!row) throw new Conflict('conversation vanished');
          return conversationView(tx, row);
        }),
    }),
  ];
}
