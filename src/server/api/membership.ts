/**
 * Membership endpoints (docs/api.md "Conversations and members", docs/protocol.md §15): append a signed
 * statement (membershipAppend.ts), and read the chain — to current members only, like every other
 * conversation read — page by page with the current head, so clients verify it and compute the members
 * themselves.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { MembershipStatement } from '../../common/protocol/membershipStatement';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { membershipHead, statementsAfter } from '../store/membershipStatements';
import { requireMember } from './access';
import { appendStatement } from './membershipAppend';

export function membershipRoutes(svc: Services): Route[] {
  return [
    implement(api, 'appendMembership', {
      handler: async ({ principal, params, body }) => {
        const { view, effects } = await appendStatement(svc, principal, params.conversationId, body);
        await svc.outbox.afterCommit(effects);
        return view;
      },
    }),
    implement(api, 'getMembership', {
      handler: async ({ principal, params, query }) => {
        const { conversation } = await requireMember(svc.db, params.conversationId, principal.userId);
        const [rows, head] = await Promise.all([
          statementsAfter(svc.db, conversation.id, query.after, query.limit + 1),
          membershipHead(svc.db, conversation.id),
        ]);
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          statements: page.map((r) => JSON.parse(r.statement) as MembershipStatement),
          head,
          nextAfter: rows.length > query.limit && last ? last.seq : null,
        };
      },
    }),
  ];
}
