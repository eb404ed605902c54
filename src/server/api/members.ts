/**
 * Member endpoints (docs/api.md "Conversations and members"): add a member with wraps of the versions the
 * history policy allows (`shared`: all versions, `joined`: from the current one); remove, leave, roles.
 * Owners and admins add and remove; admins may remove only plain members; only the owner changes roles.
 * Every wrap of an added member carries the adding device's grant (docs/protocol.md §6.5, grantCheck.ts).
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { ConversationId, UserId } from '../../common/ids';
import { Conflict, Forbidden, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { conversationById, memberIds, memberOf, setRole, upsertMember } from '../store/conversations';
import { devicesOfUser } from '../store/devices';
import { existingWrapVersions, insertWrap } from '../store/keyVersions';
import { userById } from '../store/users';
import { lockAsMember } from './access';
import { conversationView } from './conversationViews';
import { checkGrant, loadGranter } from './grantCheck';
import { departMember } from './membership';
import { checkExactWraps, entitledVersions } from './wrapRules';

export function memberRoutes(svc: Services): Route[] {
  return [
    implement(api, 'addMember', {
      handler: async ({ principal, params, body }) => {
        const effects = new Effects();
        const view = await svc.db.transaction(async (tx) => {
          const { conversation } = await lockAsMember(tx, params.conversationId, principal.userId, 'admin');
          if (conversation.kind === 'direct') throw new Conflict('a direct conversation has exactly two members', 'direct_conversation');
          if (!(await userById(tx, body.userId))) throw new Unprocessable('no such user', 'unknown_user');
          const existing = await memberOf(tx, conversation.id, body.userId);
          if (existing && existing.removed_at === null) throw new Conflict('already a member', 'already_member');
          const { versions, firstVersion } = entitledVersions(conversation);
          const expected = new Map<string, Set<number>>();
          for (const device of await devicesOfUser(tx, body.userId, false)) {
            const have = await existingWrapVersions(tx, conversation.id, device.id);
            expected.set(device.id, new Set(versions.filter((v) => !have.has(v))));
          }
          checkExactWraps(body.wraps, expected);
          const now = svc.now();
          const granter = await loadGranter(tx, conversation.id, principal);
          for (const w of body.wraps) {
            const grant = await checkGrant(svc, conversation.id, w, granter);
            await insertWrap(
              tx,
              {
                conversationId: conversation.id,
                version: w.version,
                deviceId: w.deviceId,
                wrap: JSON.stringify({ enc: w.enc, ct: w.ct }),
                addedBy: principal.deviceId,
                grant,
              },
              now,
            );
          }
          await upsertMember(tx, { conversation_id: conversation.id, user_id: body.userId, role: body.role, joined_at: now, first_version: firstVersion });
          const notice = { type: 'member_added', conversationId: conversation.id as ConversationId, userId: body.userId as UserId } as const;
          effects.notify(await memberIds(tx, conversation.id), notice);
          await svc.outbox.record(tx, effects);
          const row = await conversationById(tx, conversation.id);
          if (!row) throw new Conflict('conversation vanished');
          return conversationView(tx, row);
        });
        await svc.outbox.afterCommit(effects);
        return view;
      },
    }),
    implement(api, 'removeMember', {
      handler: async ({ principal, params }) => {
        const self = params.userId === principal.userId;
        const effects = await svc.db.transaction(async (tx) => {
          const { conversation, member } = await lockAsMember(tx, params.conversationId, principal.userId, self ? 'member' : 'admin');
          if (!self && conversation.kind === 'direct') throw new Conflict('members of a direct conversation can only leave', 'direct_conversation');
          const target = await memberOf(tx, conversation.id, params.userId);
          if (!target || target.removed_at !== null) throw new Unprocessable('that user is not a member', 'not_a_member');
          if (!self && member.role === 'admin' && target.role !== 'member') throw new Forbidden('admins may remove only plain members', 'role_required');
          return svc.outbox.record(tx, await departMember(tx, conversation, params.userId, self ? 'member_left' : 'member_removed', svc.now()));
        });
        await svc.outbox.afterCommit(effects);
      },
    }),
    implement(api, 'leaveConversation', {
      handler: async ({ principal, params }) => {
        const effects = await svc.db.transaction(async (tx) => {
          const { conversation } = await lockAsMember(tx, params.conversationId, principal.userId);
          return svc.outbox.record(tx, await departMember(tx, conversation, principal.userId, 'member_left', svc.now()));
        });
        await svc.outbox.afterCommit(effects);
      },
    }),
    implement(api, 'setMemberRole', {
      handler: async ({ principal, params, body }) =>
        svc.db.transaction(async (tx) => {
          const { conversation } = await lockAsMember(tx, params.conversationId, principal.userId, 'owner');
          const target = await memberOf(tx, conversation.id, params.userId);
          if (!target || target.removed_at !== null) throw new Unprocessable('that user is not a member', 'not_a_member');
          if (target.role === 'owner') throw new Unprocessable("the owner's role cannot be changed", 'owner_role');
          await setRole(tx, conversation.id, params.userId, body.role);
          return { userId: params.userId, role: body.role };
        }),
    }),
  ];
}
