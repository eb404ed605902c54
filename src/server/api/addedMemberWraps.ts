/**
 * The wraps an added member is owed (docs/api.md, `appendMembership` with an `add` statement): for each of
 * the new member's unrevoked devices, a wrap of every version the history policy gives them (`shared`:
 * all, `joined`: the current one) that the device does not hold yet — exactly those, each with the adding
 * device's valid grant (docs/protocol.md §6.5, grantCheck.ts); versions the key service made are served by
 * it and owe none. Anything else is 422 and nothing is stored.
 */
import type { GrantedWrap } from '../../common/api/conversationSchemas';
import type { Queryable } from '../db/db';
import type { DevicePrincipal } from '../http/route';
import type { Services } from '../services';
import type { ConversationRow } from '../store/conversations';
import { devicesOfUser } from '../store/devices';
import { existingWrapVersions, insertWrap } from '../store/keyVersions';
import { checkGrant, loadGranter } from './grantCheck';
import { serverMadeVersions } from '../custody/serverKeyStore';
import { checkExactWraps, entitledVersions } from './wrapRules';
import { storedWrapJson } from './storedWrap';

/** Checks and stores the wraps for the added member `userId`. */
export async function storeAddedMemberWraps(
  svc: Services,
  q: Queryable,
  conversation: ConversationRow,
  principal: DevicePrincipal,
  userId: string,
  wraps: readonly GrantedWrap[],
  now: number,
): Promise<void> {
  // Versions the key service made (server-trusted custody, docs/protocol.md §19.4) need no wrap: it serves them itself.
  const serverMade = await serverMadeVersions(q, conversation.id);
  const versions = entitledVersions(conversation).versions.filter((v) => !serverMade.has(v));
  const expected = new Map<string, Set<number>>();
  for (const device of await devicesOfUser(q, userId, false)) {
    const have = await existingWrapVersions(q, conversation.id, device.id);
    expected.set(device.id, new Set(versions.filter((v) => !have.has(v))));
  }
  checkExactWraps(wraps, expected);
  const granter = await loadGranter(q, conversation.id, principal);
  for (const w of wraps) {
    const grant = await checkGrant(svc, conversation.id, w, granter);
    const wrap = storedWrapJson(w);
    await insertWrap(q, { conversationId: conversation.id, version: w.version, deviceId: w.deviceId, wrap, addedBy: principal.deviceId, grant }, now);
  }
}
