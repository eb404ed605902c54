/**
 * Key-version endpoints (docs/api.md "Key versions"): submit; fetch my device's wraps by version, the
 * latest, the one valid at a timestamp, or all I am entitled to (paged). Reads answer only the
 * calling device's own wrap, only for versions from the member's first entitled version on, and only
 * while the caller is a member with an unrevoked device. A fetch by number or of the latest version — the
 * hot path — checks the caller's session and device in the same query as the wrap (`sessionCheck:
 * 'handler'`), so it costs one database round trip instead of two.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { Conflict, Forbidden, NotFound } from '../http/httpErrors';
import { isServerMade } from '../custody/serverKeyStore';
import { checkPrincipalState } from '../auth/authenticate';
import { implement, type DevicePrincipal, type Route } from '../http/route';
import type { Services } from '../services';
import { memberWrap, sessionMemberWrap, versionAt, wrapsInRange, type DeviceWrapRow, type MemberWrapRow } from '../store/keyVersions';
import { lostInReset } from '../store/accountResets';
import { requireMember } from './access';
import { deviceKeyVersionJson, deviceKeyVersionView } from './keyVersionViews';
import { submitVersion } from './submitVersion';

export function keyVersionRoutes(svc: Services): Route[] {
  /** The membership and entitlement rules on one fetched row (0 = the current version). */
  const view = async (
    conversationId: string,
    deviceId: string,
    version: number,
    row: Omit<MemberWrapRow, 'current_version'> & { current_version: number | null },
  ) => {
    if (row.current_version === null) throw new NotFound('no such conversation');
    if (row.member_user === null || row.removed_at !== null || row.first_version === null)
      throw new Forbidden('you are not a member of this conversation', 'not_a_member');
    if (row.current_version === 0) throw new NotFound('this conversation has no key version yet', 'no_versions');
    const wanted = version === 0 ? row.current_version : version;
    if (wanted > row.current_version) throw new NotFound('no such key version', 'no_such_version');
    if (wanted < row.first_version) throw new Forbidden('that version predates your membership', 'before_membership');
    if (
      row.wrap === null ||
      row.record === null ||
      row.version === null ||
      row.created_at === null ||
      row.added_by_device === null ||
      row.created_by_device === null
    ) {
      if (await isServerMade(svc.db, conversationId, wanted))
        throw new Conflict('the key service made this version (server-trusted custody): fetch it from …/server-keys/{version}', 'server_made_version');
      // After an account reset (docs/protocol.md §18.9) no wrap of an earlier version can come: say so, not "yet".
      if (await lostInReset(svc.db, row.member_user, conversationId, wanted)) {
        throw new NotFound('this key version was lost when your account was reset: its history cannot be read on this device', 'lost_in_reset');
      }
      throw new NotFound('no wrap of this version for your device yet', 'no_wrap');
    }
    const wrapRow: DeviceWrapRow = {
      conversation_id: conversationId,
      version: row.version,
      created_at: row.created_at,
      created_by_device: row.created_by_device,
      record: row.record,
      wrap: row.wrap,
      added_by_device: row.added_by_device,
      grant_json: row.grant_json,
    };
    return deviceKeyVersionJson(svc.db, wrapRow, deviceId);
  };
  const one = async (conversationId: string, userId: string, deviceId: string, version: number) => {
    const row = await memberWrap(svc.db, conversationId, userId, deviceId, version);
    if (!row) throw new NotFound('no such conversation');
    return view(conversationId, deviceId, version, row);
  };
  /** The hot path: session, device, membership and wrap in one query; liveness checked first. */
  const fetchOwnWrap = async (principal: DevicePrincipal, conversationId: string, version: number) => {
    const row = await sessionMemberWrap(svc.db, principal, conversationId, version);
    checkPrincipalState(principal, row, svc.now());
    if (!row) throw new NotFound('no such conversation');
    return view(conversationId, principal.deviceId, version, row);
  };
  return [
    implement(api, 'submitKeyVersion', {
      handler: async ({ principal, params, body }) => {
        const { acceptedAt, effects } = await submitVersion(svc, principal, params.conversationId, body.record, body.escrow);
        await svc.outbox.afterCommit(effects);
        return { conversationId: params.conversationId, version: body.record.version, acceptedAt };
      },
    }),
    implement(api, 'listKeyVersions', {
      handler: async ({ principal, params, query }) => {
        const { conversation, member } = await requireMember(svc.db, params.conversationId, principal.userId);
        const from = Math.max(member.first_version, query.after + 1);
        const rows = await wrapsInRange(svc.db, conversation.id, principal.deviceId, from, conversation.current_version, query.limit + 1);
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        const versions = [];
        for (const r of page) versions.push(await deviceKeyVersionView(svc.db, r, principal.deviceId));
        return { versions, nextAfter: rows.length > query.limit && last ? last.version : null };
      },
    }),
    implement(api, 'getLatestKeyVersion', {
      sessionCheck: 'handler',
      handler: ({ principal, params }) => fetchOwnWrap(principal, params.conversationId, 0),
    }),
    implement(api, 'getKeyVersionAt', {
      handler: async ({ principal, params }) => {
        await requireMember(svc.db, params.conversationId, principal.userId);
        const version = await versionAt(svc.db, params.conversationId, params.timestamp);
        if (version === null) throw new NotFound('no key version existed at that time', 'no_such_version');
        return one(params.conversationId, principal.userId, principal.deviceId, version);
      },
    }),
    implement(api, 'getKeyVersion', {
      sessionCheck: 'handler',
      handler: ({ principal, params }) => fetchOwnWrap(principal, params.conversationId, params.version),
    }),
  ];
}
