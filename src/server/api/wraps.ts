/**
 * Adding wraps of existing versions for a member's device that has none yet (a device registered after
 * those versions were made): any member device that holds the keys may supply them. Each wrap must be
 * owed — an unrevoked device of a current member, a version from that member's first entitled version
 * up to the current one, not already wrapped for it — and carry the caller's valid grant (docs/protocol.md
 * §6.5, grantCheck.ts), which is stored with it and handed back in the recipient's grant chain.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { ConversationId } from '../../common/ids';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { currentMembers } from '../store/conversations';
import { memberDevices } from '../store/devices';
import { insertWrap } from '../store/keyVersions';
import { lockAsMember } from './access';
import { checkGrant, loadGranter } from './grantCheck';
import { storedWrapJson } from './storedWrap';

export function wrapRoutes(svc: Services): Route[] {
  return [
    implement(api, 'addWraps', {
      handler: async ({ principal, params, body }) => {
        const effects = new Effects();
        try {
          await svc.db.transaction(async (tx) => {
            const { conversation } = await lockAsMember(tx, params.conversationId, principal.userId);
            const firstVersion = new Map((await currentMembers(tx, conversation.id)).map((m) => [m.user_id, m.first_version]));
            const owner = new Map((await memberDevices(tx, conversation.id)).map((d) => [d.device_id, d.user_id]));
            const seen = new Set<string>();
            const now = svc.now();
            const recipients = new Set<string>();
            const granter = await loadGranter(tx, conversation.id, principal);
            for (const w of body.wraps) {
              const userId = owner.get(w.deviceId);
              if (userId === undefined) throw new Unprocessable(`device ${w.deviceId} is not a member device`, 'wraps_mismatch');
              if (w.version > conversation.current_version || w.version < (firstVersion.get(userId) ?? Infinity)) {
                throw new Unprocessable(`device ${w.deviceId} is not entitled to version ${w.version}`, 'wraps_mismatch');
              }
              const key = `${w.deviceId}#${w.version}`;
              if (seen.has(key)) throw new Unprocessable(`duplicate wrap for device ${w.deviceId} version ${w.version}`, 'wraps_mismatch');
              seen.add(key);
              const grant = await checkGrant(svc, conversation.id, w, granter);
              await insertWrap(
                tx,
                {
                  conversationId: conversation.id,
                  version: w.version,
                  deviceId: w.deviceId,
                  wrap: storedWrapJson(w),
                  addedBy: principal.deviceId,
                  grant,
                },
                now,
              );
              recipients.add(userId);
            }
            effects.notify(recipients, { type: 'key_version', conversationId: conversation.id as ConversationId, version: conversation.current_version });
            await svc.outbox.record(tx, effects);
          });
        } catch (err) {
          if (err instanceof UniqueViolation) throw new Conflict('a wrap for one of these device versions exists already', 'wrap_exists');
          throw err;
        }
        await svc.outbox.afterCommit(effects);
        return { added: body.wraps.length };
      },
    }),
  ];
}
