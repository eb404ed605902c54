/**
 * PubNub access for broadcast channels (docs/broadcast.md §2.1, docs/api.md "PubNub"): a token
 * for the caller with read on `bcast.<id>` of every channel they may subscribe to and read+write on
 * every channel they own or may publish on. Separate from the conversation token so a client uses it on
 * its broadcast PubNub instance; a user with no broadcast channel gets `token: null`. Access Manager is defence in depth here: confidentiality after a
 * revocation comes from the key rotation, not from PubNub.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { broadcastPubnubChannel } from '../../common/pubnubChannels';
import { publisherRole, subscriberRole } from '../../common/broadcast/roles';
import { grantToken } from '../api/pubnubGrant';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { rolesOfUser } from './groupRoles';
import type { RoleGrants } from './roleGrants';

/** The listed broadcast channels a user may read, and those they may also write, given the roles they hold (groupRoles.ts). */
export function broadcastChannelsOf(grants: RoleGrants, userId: string, roles: readonly string[]): { read: string[]; readWrite: string[] } {
  const writable = new Set(grants.ownedBy(userId));
  const readable = new Set<string>();
  const held = new Set(roles);
  for (const channelId of grants.listedIds()) {
    if (held.has(publisherRole(channelId))) writable.add(channelId);
    if (held.has(subscriberRole(channelId))) readable.add(channelId);
  }
  return {
    readWrite: [...writable].sort().map(broadcastPubnubChannel),
    read: [...readable]
      .filter((c) => !writable.has(c))
      .sort()
      .map(broadcastPubnubChannel),
  };
}

export function broadcastAccessRoutes(svc: Services, grants: () => RoleGrants): Route[] {
  return [
    implement(api, 'getBroadcastPubnubToken', {
      handler: async ({ principal }) => {
        const channels = broadcastChannelsOf(grants(), principal.userId, await rolesOfUser(svc.db, grants(), principal.userId));
        if (channels.read.length === 0 && channels.readWrite.length === 0) return { token: null, ttlMinutes: 0, userId: principal.userId, ...channels };
        const granted = await grantToken(svc, principal.userId, channels);
        return { token: granted.token, ttlMinutes: granted.ttlMinutes, userId: principal.userId, ...channels };
      },
    }),
  ];
}
