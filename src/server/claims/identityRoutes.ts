/**
 * The identity side of broadcast in the key service (docs/broadcast.md §2.1): a signed-in device asks
 * for a role claim for a key manager audience (its roles: `channel-creator` for every account of this
 * key service, plus the per-channel grants), and a channel's owner grants or withdraws per-channel roles.
 * The account key in the claim is taken from the calling device's certificate.
 */
import { z } from 'zod';
import { CHANNEL_CREATOR_ROLE, publisherRole, subscriberRole } from '../../common/broadcast/roles';
import { ChannelIdSchema, UserIdSchema } from '../../common/ids';
import { parseDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { bytesOf } from '../../common/protocol/wire';
import { Forbidden, NotFound, Unauthorized } from '../http/httpErrors';
import { defineRoute, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { userById } from '../store/users';
import type { ClaimIssuer } from './claimIssuer';
import { KeyManagerUrlSchema } from '../../common/broadcast/descriptor';
import type { RoleGrants } from './roleGrants';

const KindSchema = z.enum(['subscriber', 'publisher']);
const GrantParams = z.object({ channelId: ChannelIdSchema });
const WithdrawParams = z.object({ channelId: ChannelIdSchema, userId: UserIdSchema, kind: KindSchema });

function roleOf(kind: z.infer<typeof KindSchema>, channelId: string): string {
  return kind === 'subscriber' ? subscriberRole(channelId) : publisherRole(channelId);
}

export function identityRoutes(svc: Services, issuer: () => Promise<ClaimIssuer>, grants: () => RoleGrants): Route[] {
  const ownerCheck = (channelId: string, userId: string) => {
    if (grants().ownerOf(channelId, userId, svc.now()) !== userId) throw new Forbidden('only the owner of this channel grants its roles', 'not_channel_owner');
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/broadcast/claims',
      tag: 'broadcast',
      summary: 'A role claim (JWT) for the calling user and device, for one key manager audience',
      auth: 'device',
      body: z.strictObject({ audience: KeyManagerUrlSchema }),
      response: z.object({ claim: z.string(), roles: z.array(z.string()) }),
      errors: [400, 401],
      handler: async ({ principal, body }) => {
        const device = await deviceById(svc.db, principal.deviceId);
        if (!device || device.revoked_at !== null) throw new Unauthorized('device revoked', 'device_revoked');
        const certificate = parseDeviceCertificate(JSON.parse(device.certificate) as unknown);
        const roles = [CHANNEL_CREATOR_ROLE, ...grants().rolesOf(principal.userId)];
        const claim = await (await issuer()).issue({ userId: principal.userId, audience: body.audience, roles, accountKey: bytesOf(certificate.accountKey), deviceId: principal.deviceId });
        return { claim, roles };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/broadcast/channels/:channelId/grants',
      tag: 'broadcast',
      summary: "Grant a user a channel role (the channel's owner: the first user to grant on the id)",
      auth: 'user',
      params: GrantParams,
      body: z.strictObject({ userId: UserIdSchema, kind: KindSchema }),
      response: z.object({ userId: UserIdSchema, role: z.string() }),
      status: 201,
      errors: [400, 401, 403, 404],
      handler: async ({ principal, params, body }) => {
        ownerCheck(params.channelId, principal.userId);
        if (!(await userById(svc.db, body.userId))) throw new NotFound('no such user');
        const role = roleOf(body.kind, params.channelId);
        grants().grant(params.channelId, body.userId, role);
        return { userId: body.userId, role };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/broadcast/channels/:channelId/grants/:userId/:kind',
      tag: 'broadcast',
      summary: 'Withdraw a channel role (owner only); also revoke the user at the key manager to rotate the key',
      auth: 'user',
      params: WithdrawParams,
      response: z.object({}),
      status: 204,
      errors: [400, 401, 403, 404],
      handler: async ({ principal, params }) => {
        ownerCheck(params.channelId, principal.userId);
        if (!grants().withdraw(params.userId, roleOf(params.kind, params.channelId))) throw new NotFound('no such grant');
        return {};
      },
    }),
  ];
}
