/**
 * Conversation endpoints (docs/api.md "Conversations and members"): create 1:1 and group, list mine, rename.
 * A conversation is created from its creator's signed genesis (docs/protocol.md §15): its id, kind,
 * history policy, members and roles are the genesis', the creator its one owner. Direct conversations
 * have exactly two members, no name, and no member changes except leaving.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { UserId } from '../../common/ids';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { conversationById, conversationsOfUser, insertConversation, renameConversation } from '../store/conversations';
import { insertStatement } from '../store/membershipStatements';
import { lockAsMember, requireMember } from './access';
import { conversationView } from './conversationViews';
import { checkNewGenesis } from './genesis';
import { insertGenesisMembers } from './memberTable';
import { parseStatement } from './statementChecks';

export function conversationRoutes(svc: Services): Route[] {
  return [
    implement(api, 'createConversation', {
      handler: async ({ principal, body }) => {
        const genesis = await parseStatement(body.genesis);
        const state = await checkNewGenesis(svc, svc.db, principal, genesis, body.name);
        const id = genesis.conversationId;
        const now = svc.now();
        const effects = new Effects();
        const taken = () => new Conflict('a conversation with this id exists; choose another id', 'conversation_id_taken');
        const view = await svc.db
          .transaction(async (tx) => {
            if (await conversationById(tx, id)) throw taken();
            await insertConversation(
              tx,
              { id, kind: state.kind, name: body.name ?? null, history_policy: state.historyPolicy, created_by: principal.userId },
              now,
            );
            await insertStatement(tx, id, { seq: 0, hash: state.head.hash, statement: JSON.stringify(genesis) }, now);
            await insertGenesisMembers(tx, id, state, now);
            for (const userId of state.members.keys()) {
              if (userId !== principal.userId) effects.notify([userId], { type: 'member_added', conversationId: id, userId: userId as UserId });
            }
            await svc.outbox.record(tx, effects);
            const row = await conversationById(tx, id);
            if (!row) throw new Conflict('conversation vanished');
            return conversationView(tx, row);
          })
          .catch((err: unknown) => {
            throw err instanceof UniqueViolation ? taken() : err;
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
