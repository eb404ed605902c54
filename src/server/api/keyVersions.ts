/**
 * Key-version endpoints (issue 5, "Key versions": submit; fetch my device's wraps by version, the
 * latest, the one valid at a timestamp, or all I am entitled to (paged)). Reads answer only the
 * calling device's own wrap, only for versions from the member's first entitled version on, and only
 * while the caller is a member with an unrevoked device.
 */
import { Forbidden, NotFound } from '../http/httpErrors';
import { defineRoute, type Route } from '../http/route';
import { applyEffects } from '../pubnub/effects';
import type { Services } from '../services';
import { versionAt, wrapOf, wrapsInRange } from '../store/keyVersions';
import { requireMember } from './access';
import { AtParam, DeviceKeyVersionSchema, PageQuery, SubmitVersionBody, VersionAcceptedSchema, VersionPageSchema, VersionParam } from './keyVersionSchemas';
import { deviceKeyVersionView } from './keyVersionViews';
import { ConversationIdParam } from './schemas';
import { submitVersion } from './submitVersion';

export function keyVersionRoutes(svc: Services, onPubnubError: (err: unknown) => void): Route[] {
  const one = async (conversationId: string, userId: string, deviceId: string, pick: (current: number) => Promise<number | null>) => {
    const { conversation, member } = await requireMember(svc.db, conversationId, userId);
    if (conversation.current_version === 0) throw new NotFound('this conversation has no key version yet', 'no_versions');
    const version = await pick(conversation.current_version);
    if (version === null || version > conversation.current_version) throw new NotFound('no such key version', 'no_such_version');
    if (version < member.first_version) throw new Forbidden('that version predates your membership', 'before_membership');
    const row = await wrapOf(svc.db, conversationId, deviceId, version);
    if (!row) throw new NotFound('no wrap of this version for your device yet', 'no_wrap');
    return deviceKeyVersionView(row, deviceId);
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/conversations/:conversationId/versions',
      tag: 'key versions',
      summary: 'Submit key version N+1: a signed record with a wrap for every current member device',
      auth: 'device',
      params: ConversationIdParam,
      body: SubmitVersionBody,
      response: VersionAcceptedSchema,
      status: 201,
      errors: [400, 401, 403, 404, 409, 413, 422],
      handler: async ({ principal, params, body }) => {
        const { acceptedAt, effects } = await submitVersion(svc, principal, params.conversationId, body.record);
        await applyEffects(svc.pubnub, effects, onPubnubError);
        return { conversationId: params.conversationId, version: body.record.version, acceptedAt };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/conversations/:conversationId/versions',
      tag: 'key versions',
      summary: "Every version your device is entitled to, with your device's wraps, ascending and paged",
      auth: 'device',
      params: ConversationIdParam,
      query: PageQuery,
      response: VersionPageSchema,
      errors: [400, 401, 403, 404],
      handler: async ({ principal, params, query }) => {
        const { conversation, member } = await requireMember(svc.db, params.conversationId, principal.userId);
        const from = Math.max(member.first_version, query.after + 1);
        const rows = await wrapsInRange(svc.db, conversation.id, principal.deviceId, from, conversation.current_version, query.limit + 1);
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return { versions: page.map((r) => deviceKeyVersionView(r, principal.deviceId)), nextAfter: rows.length > query.limit && last ? last.version : null };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/conversations/:conversationId/versions/latest',
      tag: 'key versions',
      summary: "The current version with your device's wrap",
      auth: 'device',
      params: ConversationIdParam,
      response: DeviceKeyVersionSchema,
      errors: [400, 401, 403, 404],
      handler: ({ principal, params }) => one(params.conversationId, principal.userId, principal.deviceId, async (current) => current),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/conversations/:conversationId/versions/at/:timestamp',
      tag: 'key versions',
      summary: 'The version that was current at a time (ms since the epoch), by server acceptance time',
      auth: 'device',
      params: AtParam,
      response: DeviceKeyVersionSchema,
      errors: [400, 401, 403, 404],
      handler: ({ principal, params }) => one(params.conversationId, principal.userId, principal.deviceId, () => versionAt(svc.db, params.conversationId, params.timestamp)),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/conversations/:conversationId/versions/:version',
      tag: 'key versions',
      summary: "One version by number, with your device's wrap",
      auth: 'device',
      params: VersionParam,
      response: DeviceKeyVersionSchema,
      errors: [400, 401, 403, 404],
      handler: ({ principal, params }) => one(params.conversationId, principal.userId, principal.deviceId, async () => params.version),
    }),
  ];
}
