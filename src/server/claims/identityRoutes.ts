/**
 * The identity side of broadcast in the key service (docs/broadcast.md §2.1): a signed-in device asks
 * for a role claim for a key manager audience (its roles: `channel-creator` for every account of this
 * key service, plus the per-channel grants), and a channel's owner grants or withdraws per-channel roles.
 * Roles also come from the SCIM groups a user is in, as an operator mapped them (groupRoles.ts); a
 * deactivated account gets no claim (`account_deactivated`). A user who signed in with single sign-on gets
 * their verified SSO identity in the claim (`sso: {iss, sub}`, claimPayload.ts).
 * The owner is the creator of the verified descriptor listed in the directory (directoryRoutes.ts); an id
 * nobody listed has no owner, so a grant on it is refused (`channel_not_listed`) — knowing a channel id
 * gives no one its roles. The account key in the claim is taken from the calling device's certificate.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { CHANNEL_CREATOR_ROLE, publisherRole, subscriberRole } from '../../common/broadcast/roles';
import type { ChannelRoleKind } from '../../common/domain';
import { parseDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { bytesOf } from '../../common/protocol/wire';
import { Forbidden, NotFound, Unauthorized } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { userById } from '../store/users';
import type { ClaimIssuer } from './claimIssuer';
import { ssoIdentityOfUser } from '../oidcStore';
import { rolesOfUser } from './groupRoles';
import type { RoleGrants } from './roleGrants';

function roleOf(kind: ChannelRoleKind, channelId: string): string {
  return kind === 'subscriber' ? subscriberRole(channelId) : publisherRole(channelId);
}

export function identityRoutes(svc: Services, issuer: () => Promise<ClaimIssuer>, grants: () => RoleGrants): Route[] {
  const ownerCheck = (channelId: string, userId: string) => {
    const owner = grants().ownerOf(channelId);
    if (owner === undefined)
      throw new NotFound('this channel is not listed in the directory; its creator lists it before granting roles', 'channel_not_listed');
    if (owner !== userId) throw new Forbidden('only the owner of this channel grants its roles', 'not_channel_owner');
  };
  return [
    implement(api, 'getBroadcastClaim', {
      handler: async ({ principal, body }) => {
        const device = await deviceById(svc.db, principal.deviceId);
        if (!device || device.revoked_at !== null) throw new Unauthorized('device revoked', 'device_revoked');
        const certificate = parseDeviceCertificate(JSON.parse(device.certificate) as unknown);
        const user = await userById(svc.db, principal.userId);
        if (!user || user.deactivated_at !== null) throw new Forbidden('this account was deactivated by the organisation', 'account_deactivated');
        const roles = [CHANNEL_CREATOR_ROLE, ...(await rolesOfUser(svc.db, grants(), principal.userId))];
        const sso = await ssoIdentityOfUser(svc.db, principal.userId);
        const claim = await (
          await issuer()
        ).issue({
          userId: principal.userId,
          audience: body.audience,
          roles,
          accountKey: bytesOf(certificate.accountKey),
          deviceId: principal.deviceId,
          ...(sso === undefined ? {} : { sso: { issuer: sso.issuer, subject: sso.subject } }),
        });
        return { claim, roles };
      },
    }),
    implement(api, 'grantChannelRole', {
      handler: async ({ principal, params, body }) => {
        ownerCheck(params.channelId, principal.userId);
        if (!(await userById(svc.db, body.userId))) throw new NotFound('no such user');
        const role = roleOf(body.kind, params.channelId);
        grants().grant(params.channelId, body.userId, role);
        return { userId: body.userId, role };
      },
    }),
    implement(api, 'withdrawChannelRole', {
      handler: async ({ principal, params }) => {
        ownerCheck(params.channelId, principal.userId);
        if (!grants().withdraw(params.userId, roleOf(params.kind, params.channelId))) throw new NotFound('no such grant');
      },
    }),
  ];
}
